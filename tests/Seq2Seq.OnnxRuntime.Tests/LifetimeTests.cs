namespace Seq2Seq.OnnxRuntime.Tests;

/// <summary>Ownership of native objects: released once, disposal idempotent, use after disposal refused.</summary>
public class LifetimeTests
{
    [Fact]
    public void Disposing_every_wrapper_twice_is_safe()
    {
        var options = new SessionOptions();
        var session = new InferenceSession(TestModels.MatMulAdd, options);
        var runOptions = new RunOptions();
        var input = OrtValue.CreateTensor<float>(new float[4], [1, 4]);
        var outputs = session.Run(["X"], [input], ["Y"], runOptions);
        var binding = session.CreateIoBinding();

        foreach (var disposable in new IDisposable[] { outputs, input, binding, runOptions, session, options })
        {
            disposable.Dispose();
            disposable.Dispose();
        }
    }

    [Fact]
    public void Using_a_disposed_object_throws_ObjectDisposedException_instead_of_touching_freed_memory()
    {
        using var session = new InferenceSession(TestModels.MatMulAdd);
        var input = OrtValue.CreateTensor<float>(new float[4], [1, 4]);
        input.Dispose();

        var runWithDisposedInput = () => session.Run(["X"], [input], ["Y"]);
        runWithDisposedInput.Should().Throw<ObjectDisposedException>();

        var disposedSession = new InferenceSession(TestModels.MatMulAdd);
        disposedSession.Dispose();
        using var live = OrtValue.CreateTensor<float>(new float[4], [1, 4]);
        var runDisposedSession = () => disposedSession.Run(["X"], [live], ["Y"]);
        runDisposedSession.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Session_options_can_be_disposed_once_the_session_exists()
    {
        InferenceSession session;
        using (var options = new SessionOptions())
        {
            options.SetIntraOpThreads(1);
            session = new InferenceSession(TestModels.MatMulAdd, options);
        }

        using (session)
        {
            using var input = OrtValue.CreateTensor<float>(new float[] { 1, 1, 1, 1 }, [1, 4]);
            using var outputs = session.Run(["X"], [input], ["Y"]);
            outputs[0].GetTensorData<float>().ToArray().Should().Equal(TestModels.ExpectedMatMulAdd([1, 1, 1, 1], 1));
        }
    }

    [Fact]
    public void A_detached_output_outlives_its_collection_and_leaves_the_collection()
    {
        using var session = new InferenceSession(TestModels.GatherCast);
        using var input = OrtValue.CreateTensor<long>(new long[] { 4 }, [1, 1]);
        OrtValue kept;
        using (var outputs = session.Run(["ids"], [input]))
        {
            kept = outputs.Detach("embeddings");
            var readDetached = () => outputs["embeddings"];
            readDetached.Should().Throw<InvalidOperationException>();
            outputs["ids_int32"].GetTensorData<int>()[0].Should().Be(4);
        }

        using (kept)
        {
            kept.GetTensorData<float>().ToArray().Should().Equal(40f, 41f);
        }
    }

    [Fact]
    public void Outputs_can_be_looked_up_by_position_and_name_only_for_names_asked_for()
    {
        using var session = new InferenceSession(TestModels.GatherCast);
        using var input = OrtValue.CreateTensor<long>(new long[] { 1 }, [1, 1]);
        using var outputs = session.Run(["ids"], [input], ["ids_int32"]);

        outputs.Should().HaveCount(1);
        outputs[0].Should().BeSameAs(outputs["ids_int32"]);
        var missing = () => outputs["embeddings"];
        missing.Should().Throw<KeyNotFoundException>();
    }
}
