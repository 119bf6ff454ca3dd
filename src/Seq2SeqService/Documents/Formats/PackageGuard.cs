using System.IO.Compression;
using Seq2SeqService.Options;

namespace Seq2SeqService.Documents;

/// <summary>
/// The checks a zipped file (Office Open XML, OpenDocument, EPUB) passes before any library parses it: that it is a
/// zip at all (an encrypted Office file is an OLE compound file instead), that it is whole, and that it neither holds
/// too many entries nor unpacks to too much. Sizes are counted while unpacking, so a zip that lies about them is caught too.
/// </summary>
internal static class PackageGuard
{
    private static ReadOnlySpan<byte> ZipMagic => "PK\u0003\u0004"u8;

    /// <summary>The start of an OLE compound file: what Office writes for an encrypted document, and for .doc/.xls/.ppt.</summary>
    private static ReadOnlySpan<byte> CompoundFileMagic => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <exception cref="DocumentRejectedException">The file is not a whole zip within the limits.</exception>
    public static void Check(byte[] file, string format, DocumentOptions limits)
    {
        if (file.AsSpan().StartsWith(CompoundFileMagic))
        {
            throw new DocumentRejectedException(
                $"The file is an OLE compound file: a password-protected Office document, or the older binary format " +
                $"(.doc, .xls, .ppt). Remove the password or save it as .{format}, then send it again.");
        }

        if (!file.AsSpan().StartsWith(ZipMagic))
        {
            throw new DocumentRejectedException($"The file is not a .{format} document: a .{format} file is a zip package.");
        }

        try
        {
            using var zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > limits.MaxPackageEntries)
            {
                throw new DocumentRejectedException(
                    $"The file holds {zip.Entries.Count} zip entries; at most {limits.MaxPackageEntries} are accepted.");
            }

            var left = limits.MaxUnpackedBytes;
            var buffer = new byte[81_920];
            foreach (var entry in zip.Entries)
            {
                using var content = entry.Open();
                int read;
                while ((read = content.Read(buffer)) > 0)
                {
                    left -= read;
                    if (left < 0)
                    {
                        throw new DocumentRejectedException(
                            $"The file unpacks to more than {limits.MaxUnpackedBytes} bytes; at most that is accepted.");
                    }
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new DocumentRejectedException($"The file is a damaged or truncated zip package ({e.Message}).");
        }
    }
}
