using System.Text;

namespace RefineMemory.Evaluation.Datasets;

/// <summary>
/// RFC 4180 records: comma separated, fields optionally in double quotes (a doubled quote inside is a quote, and
/// quoted fields may span lines). Each record carries the line it starts on, for error messages.
/// </summary>
internal sealed class CsvRecordParser(TextReader reader, string path)
{
    private int _line = 1;

    public (int Line, string[] Fields)? Next()
    {
        if (reader.Peek() < 0)
        {
            return null;
        }

        int start = _line;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        while (true)
        {
            int c = reader.Read();
            if (quoted)
            {
                if (c < 0)
                {
                    throw new DatasetFormatException(path, start, "a quoted field is not closed before the end of the file.");
                }

                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }

                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case '"':
                    throw new DatasetFormatException(path, _line, "a quote inside an unquoted field (quote the field and double the quote).");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n' or '\r' or -1:
                    if (c >= 0)
                    {
                        _line++;
                    }

                    fields.Add(field.ToString());
                    return (start, fields.ToArray());
                default:
                    if (wasQuoted)
                    {
                        throw new DatasetFormatException(path, _line, "text after a closing quote.");
                    }

                    field.Append((char)c);
                    break;
            }
        }
    }
}
