using Seq2Seq.Tokenizers.SentencePiece;

namespace Seq2Seq.Tokenizers.Tests;

public class SentencePieceModelTests
{
    private static readonly byte[] UnigramBytes = File.ReadAllBytes(Fixtures.Spm("unigram.model"));

    [Fact]
    public void Reads_the_model_header_as_spm_train_wrote_it()
    {
        var model = SentencePieceModel.FromBytes(UnigramBytes);

        model.ModelType.Should().Be(ModelType.Unigram);
        model.VocabSize.Should().Be(4000);
        (model.UnkId, model.BosId, model.EosId, model.PadId).Should().Be((0, 1, 2, -1));
        model.GetPieceType(3).Should().Be(PieceType.UserDefined);
        model.IdToPiece(3).Should().Be(">>fra<<");
        model.PieceToId(">>fra<<").Should().Be(3);
        model.PieceToId("no such piece").Should().Be(model.UnkId);
        model.Proto.NormalizerSpec.Name.Should().Be("nmt_nfkc");
        model.Proto.NormalizerSpec.PrecompiledCharsmap.Should().NotBeEmpty();
    }

    [Fact]
    public void Empty_and_blank_text_encode_to_nothing()
    {
        var model = SentencePieceModel.FromBytes(UnigramBytes);

        model.Encode("").Ids.Should().BeEmpty();
        model.Encode(" \t  ").Ids.Should().BeEmpty();
        model.Decode([]).Should().BeEmpty();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4000)]
    public void Decoding_an_id_outside_the_vocabulary_is_rejected(int id)
    {
        var model = SentencePieceModel.FromBytes(UnigramBytes);

        var act = () => model.Decode([5, id]);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    [InlineData(200_000)]
    public void A_truncated_model_file_is_rejected_as_invalid_data(int length)
    {
        var act = () => SentencePieceModel.FromBytes(UnigramBytes.AsSpan(0, length));

        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void Random_bytes_are_rejected_as_invalid_data()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 400)];
            random.NextBytes(bytes);

            var act = () => SentencePieceModel.FromBytes(bytes);

            act.Should().Throw<InvalidDataException>();
        }
    }

    [Fact]
    public void A_model_without_an_unknown_piece_is_rejected()
    {
        var proto = ModelProto.Parse(UnigramBytes);
        var withoutUnk = proto with { Pieces = proto.Pieces.Where(p => p.Type != PieceType.Unknown).ToList() };

        var act = () => new SentencePieceModel(withoutUnk);

        act.Should().Throw<InvalidDataException>().WithMessage("*unknown*");
    }
}
