using GpuEngine.Kernels.Generator.Diagnostics;
using GpuEngine.Kernels.Generator.Emit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GpuEngine.Kernels.Generator
{
    // One override per rejected construct, each reporting at the offending node.
    internal sealed partial class KernelRewriter
    {
        public override void VisitObjectCreationExpression(ObjectCreationExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);
        public override void VisitImplicitObjectCreationExpression(ImplicitObjectCreationExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);
        public override void VisitArrayCreationExpression(ArrayCreationExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);
        public override void VisitImplicitArrayCreationExpression(ImplicitArrayCreationExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);
        public override void VisitStackAllocArrayCreationExpression(StackAllocArrayCreationExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);
        public override void VisitCollectionExpression(CollectionExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);
        public override void VisitAnonymousObjectCreationExpression(AnonymousObjectCreationExpressionSyntax node) => Report(DiagnosticDescriptors.Allocation, node);

        public override void VisitInterpolatedStringExpression(InterpolatedStringExpressionSyntax node) => Report(DiagnosticDescriptors.StringUse, node);

        public override void VisitLiteralExpression(LiteralExpressionSyntax node)
        {
            if (node.IsKind(SyntaxKind.StringLiteralExpression) || node.IsKind(SyntaxKind.Utf8StringLiteralExpression))
                Report(DiagnosticDescriptors.StringUse, node);
            else if (node.IsKind(SyntaxKind.CharacterLiteralExpression) || _model.GetTypeInfo(node).Type?.SpecialType == SpecialType.System_Double)
                Report(DiagnosticDescriptors.UnsupportedType, node, _model.GetTypeInfo(node).Type?.ToDisplayString() ?? node.ToString());
        }

        public override void VisitThrowStatement(ThrowStatementSyntax node) => Report(DiagnosticDescriptors.ExceptionUse, node);
        public override void VisitThrowExpression(ThrowExpressionSyntax node) => Report(DiagnosticDescriptors.ExceptionUse, node);
        public override void VisitTryStatement(TryStatementSyntax node) => Report(DiagnosticDescriptors.ExceptionUse, node);

        public override void VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) => Report(DiagnosticDescriptors.LambdaUse, node);
        public override void VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) => Report(DiagnosticDescriptors.LambdaUse, node);
        public override void VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) => Report(DiagnosticDescriptors.LambdaUse, node);
        public override void VisitQueryExpression(QueryExpressionSyntax node) => Report(DiagnosticDescriptors.LambdaUse, node);
        public override void VisitLocalFunctionStatement(LocalFunctionStatementSyntax node) => Report(DiagnosticDescriptors.LambdaUse, node);

        public override void VisitForEachStatement(ForEachStatementSyntax node) => Report(DiagnosticDescriptors.ForEachUse, node);
        public override void VisitForEachVariableStatement(ForEachVariableStatementSyntax node) => Report(DiagnosticDescriptors.ForEachUse, node);

        public override void VisitRefExpression(RefExpressionSyntax node) => Report(DiagnosticDescriptors.RefUse, node);
        public override void VisitRefType(RefTypeSyntax node) => Report(DiagnosticDescriptors.RefUse, node);

        public override void VisitArgument(ArgumentSyntax node)
        {
            // Atomic.Add(ref view[i], v): the one ref argument kernels pass.
            bool atomicTarget = node.RefKindKeyword.IsKind(SyntaxKind.RefKeyword) && node.Expression is ElementAccessExpressionSyntax
                && node.Parent?.Parent is InvocationExpressionSyntax call && Ilgpu.IlgpuApi.IsAtomic(_model.GetSymbolInfo(call).Symbol as IMethodSymbol)
                && ((ArgumentListSyntax)node.Parent).Arguments[0] == node;
            if (!node.RefKindKeyword.IsKind(SyntaxKind.None) && !atomicTarget) Report(DiagnosticDescriptors.RefUse, node);
            else base.VisitArgument(node);
        }

        public override void VisitIfStatement(IfStatementSyntax node)
        {
            // if (CudaAsm.IsSupported) { inline PTX } else portable: only the portable part reaches cpu and OpenCL.
            if (!Ilgpu.IlgpuApi.IsCudaAsmSupported(_model, node.Condition)) base.VisitIfStatement(node);
            else if (node.Else != null) Visit(node.Else);
        }

        public override void VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var method = _model.GetSymbolInfo(node).Symbol as IMethodSymbol;
            if (method == null || method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface || !method.IsStatic)
                Report(DiagnosticDescriptors.UnsupportedCall, node, method?.ToDisplayString() ?? node.Expression.ToString());
            else if (Ilgpu.IlgpuApi.IsSharedAllocate(method))
                CheckSharedPlacement(node);
            else if (Ilgpu.IlgpuApi.IsBarrier(method) || Ilgpu.IlgpuApi.IsXMath(method) || Ilgpu.IlgpuApi.IsSourceHelper(method)) { }
            else if (Ilgpu.IlgpuApi.IsAtomic(method))
            {
                if (!(node.ArgumentList.Arguments[0].Expression is ElementAccessExpressionSyntax))
                    Report(DiagnosticDescriptors.UnsupportedCall, node, method.ToDisplayString());
            }
            else if (KnownMethods.Find(method, OpenClDialect.Instance) == null)
                Report(DiagnosticDescriptors.UnsupportedCall, node, method.ToDisplayString());
            base.VisitInvocationExpression(node);
        }

        public override void VisitMemberAccessExpression(MemberAccessExpressionSyntax node)
        {
            var symbol = _model.GetSymbolInfo(node).Symbol;
            var target = _model.GetSymbolInfo(node.Expression).Symbol;
            var index = Ilgpu.IlgpuApi.IndexKey(symbol);
            bool globalComponent = Ilgpu.IlgpuApi.IndexKey(target) == "Grid.GlobalIndex";
            if (index != null && !globalComponent && index != "Grid.GlobalIndex" && !Ilgpu.IlgpuApi.Indices.ContainsKey(index))
                Report(DiagnosticDescriptors.UnsupportedSyntax, node, node.ToString());
            else if ((index != null || globalComponent) && !_isKernel)
                Report(DiagnosticDescriptors.IndexInHelper, node, node.ToString());
            else if (index == "Grid.GlobalIndex" && !(node.Parent is MemberAccessExpressionSyntax))
                Report(DiagnosticDescriptors.UnsupportedSyntax, node, node.ToString());
            base.VisitMemberAccessExpression(node);
        }

        private void CheckSharedPlacement(InvocationExpressionSyntax node)
        {
            bool placed = _isKernel
                && node.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax block } } } }
                && block.Parent == _method
                && node.ArgumentList.Arguments.Count == 1
                && _model.GetConstantValue(node.ArgumentList.Arguments[0].Expression).Value is int length && length > 0;
            if (!placed) Report(DiagnosticDescriptors.SharedMisuse, node);
        }

        public override void VisitVariableDeclaration(VariableDeclarationSyntax node)
        {
            var type = _model.GetTypeInfo(node.Type).Type;
            bool sharedView = Ilgpu.IlgpuApi.IsArrayView(type, out _) && node.Variables.Count == 1
                && node.Variables[0].Initializer?.Value is InvocationExpressionSyntax init
                && Ilgpu.IlgpuApi.IsSharedAllocate(_model.GetSymbolInfo(init).Symbol as IMethodSymbol);
            if (!IsSupportedScalar(type) && !sharedView)
                Report(DiagnosticDescriptors.UnsupportedType, node.Type, type?.ToDisplayString() ?? node.Type.ToString());
            base.VisitVariableDeclaration(node);
        }

        public override void VisitCastExpression(CastExpressionSyntax node)
        {
            var type = _model.GetTypeInfo(node.Type).Type;
            if (!IsSupportedScalar(type)) Report(DiagnosticDescriptors.UnsupportedType, node.Type, type?.ToDisplayString() ?? node.Type.ToString());
            base.VisitCastExpression(node);
        }

        public override void VisitIdentifierName(IdentifierNameSyntax node)
        {
            var symbol = _model.GetSymbolInfo(node).Symbol;
            if (symbol is IFieldSymbol field && !field.IsConst && field.IsStatic)
                Report(DiagnosticDescriptors.NonConstField, node, field.ToDisplayString());
            // A parameter struct is read field by field (p.Batch): each field is its own OpenCL argument.
            else if (symbol is IParameterSymbol p && p.Type.TypeKind == TypeKind.Struct && !IsSupportedScalar(p.Type)
                && !Ilgpu.IlgpuApi.IsArrayView(p.Type, out _) && !Ilgpu.IlgpuApi.IsSpecializedValue(p.Type, out _)
                && !(node.Parent is MemberAccessExpressionSyntax access && access.Expression == node))
                Report(DiagnosticDescriptors.UnsupportedSyntax, node, node.Identifier.Text + " (a parameter struct, used other than as " + node.Identifier.Text + ".Field)");
            base.VisitIdentifierName(node);
        }

        public override void VisitBinaryExpression(BinaryExpressionSyntax node)
        {
            if (node.IsKind(SyntaxKind.IsExpression) || node.IsKind(SyntaxKind.AsExpression) || node.IsKind(SyntaxKind.CoalesceExpression))
                Report(DiagnosticDescriptors.UnsupportedSyntax, node, node.OperatorToken.Text);
            base.VisitBinaryExpression(node);
        }

        public override void VisitGotoStatement(GotoStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "goto");
        public override void VisitLabeledStatement(LabeledStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "label");
        public override void VisitSwitchStatement(SwitchStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "switch");
        public override void VisitSwitchExpression(SwitchExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "switch");
        public override void VisitLockStatement(LockStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "lock");
        public override void VisitUsingStatement(UsingStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "using");
        public override void VisitYieldStatement(YieldStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "yield");
        public override void VisitFixedStatement(FixedStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "fixed");
        public override void VisitUnsafeStatement(UnsafeStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "unsafe");
        public override void VisitAwaitExpression(AwaitExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "await");
        public override void VisitTupleExpression(TupleExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "tuple");
        public override void VisitIsPatternExpression(IsPatternExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "is");
        public override void VisitConditionalAccessExpression(ConditionalAccessExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "?.");
        public override void VisitTypeOfExpression(TypeOfExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, "typeof");
        public override void VisitCheckedExpression(CheckedExpressionSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, node.Keyword.Text);
        public override void VisitCheckedStatement(CheckedStatementSyntax node) => Report(DiagnosticDescriptors.UnsupportedSyntax, node, node.Keyword.Text);
    }
}
