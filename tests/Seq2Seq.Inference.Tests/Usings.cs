global using Seq2Seq.Inference.Generation;
