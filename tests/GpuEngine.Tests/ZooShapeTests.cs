using GpuEngine.Zoo;

namespace GpuEngine.Tests;

public class ZooShapeTests
{
    [Fact]
    public void EveryZooModelBuildsAtItsDefaultInput()
    {
        foreach (var model in ModelZoo.All)
        {
            var graph = ModelZoo.Create(model.Name);
            Assert.Equal(model.DefaultClasses, graph.Tensor(graph.Outputs[0]).Shape[1]);
        }
    }
}
