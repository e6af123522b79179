/// Splits a command line into words the way GitHub's runner splits `options:` and `command:`.
///
/// The runner pastes these strings into one `docker create` argument string, and .NET's process start
/// on Linux splits it (`ParseArgumentsIntoList` in System.Diagnostics.Process), not a POSIX shell.
/// Words are separated by spaces and tabs only, so a line break stays inside its word. Double quotes
/// group a word, and `""` inside them is a literal quote. Backslashes are literal except before a double
/// quote, where `\"` is a quote and each `\\` pair a backslash. Single quotes are ordinary characters, as
/// they are for GitHub: `--health-cmd 'pg_isready -U app'` gives the words `'pg_isready`, `-U` and `app'`.
/// An unterminated double quote is an error, where .NET would run the word to the end of the string.
///
/// NOTE: these rules come from reading the runner, whose `DockerCommandManager.DockerCreate` joins the
/// options into the `ProcessStartInfo.Arguments` string, and .NET's parser. They were not checked against
/// a live runner, in particular for the line break that `options: >` leaves at the end of the string.
public enum ShellWords {
    /// Splits `text` into words; an unterminated double quote throws an error without a location.
    public static func split(_ text: String) throws(WorkflowError) -> [String] {
        do {
            return try words(in: text).map(\.text)
        } catch {
            throw WorkflowError(
                location: nil, message: error.message(in: text), hint: UnterminatedQuote.hint)
        }
    }

    /// A word and the offset (in Unicode scalars) where it starts in the input.
    struct Word: Equatable {
        var text: String
        var offset: Int
    }

    /// A double quote without a closing partner, at `offset` in the input.
    struct UnterminatedQuote: Error {
        var offset: Int

        static let hint = "close the double quote, or write \\\" for a quote inside a word"

        func message(in text: String) -> String {
            "unterminated double quote in '\(text)'"
        }
    }

    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t"
    }

    /// Splits `text` into words with their offsets.
    static func words(in text: String) throws(UnterminatedQuote) -> [Word] {
        let scalars = Array(text.unicodeScalars)
        var words: [Word] = []
        var index = 0
        while index < scalars.count {
            if isSeparator(scalars[index]) {
                index += 1
                continue
            }
            let start = index
            words.append(Word(text: try readWord(scalars, &index), offset: start))
        }
        return words
    }

    private static func readWord(_ scalars: [Unicode.Scalar], _ index: inout Int) throws(UnterminatedQuote) -> String {
        var word = String.UnicodeScalarView()
        var quoteStart: Int?
        while index < scalars.count {
            var backslashes = 0
            while index < scalars.count && scalars[index] == "\\" {
                backslashes += 1
                index += 1
            }
            if backslashes > 0 {
                let beforeQuote = index < scalars.count && scalars[index] == "\""
                word.append(contentsOf: repeatElement("\\", count: beforeQuote ? backslashes / 2 : backslashes))
                if beforeQuote && backslashes % 2 == 1 {
                    word.append("\"")
                    index += 1
                }
                continue
            }
            let scalar = scalars[index]
            if scalar == "\"" {
                if quoteStart != nil && index + 1 < scalars.count && scalars[index + 1] == "\"" {
                    word.append("\"")
                    index += 2
                    continue
                }
                quoteStart = quoteStart == nil ? index : nil
                index += 1
                continue
            }
            if quoteStart == nil && isSeparator(scalar) {
                break
            }
            word.append(scalar)
            index += 1
        }
        if let quoteStart {
            throw UnterminatedQuote(offset: quoteStart)
        }
        return String(word)
    }
}
