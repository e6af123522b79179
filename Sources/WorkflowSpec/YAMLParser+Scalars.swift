/// Builds a scalar's text and remembers where each run of it comes from in the file.
struct ScalarTextBuilder {
    private(set) var text = String.UnicodeScalarView()
    private(set) var count = 0
    private(set) var sourceMap: ScalarSourceMap
    private var lastSourceIndex = -2

    init(start: SourceLocation) {
        sourceMap = ScalarSourceMap(start: start)
    }

    /// Appends a character copied from the file at `index`.
    mutating func appendSource(_ scalar: Unicode.Scalar, at index: Int, parser: YAMLParser) {
        if index != lastSourceIndex + 1 {
            sourceMap.startRun(atOffset: count, location: parser.location(of: index))
        }
        text.append(scalar)
        count += 1
        lastSourceIndex = index
    }

    /// Appends text the reader produced (an escape or a folded line break) for the file text at `index`.
    mutating func appendProduced(_ produced: String, at index: Int, parser: YAMLParser) {
        guard !produced.isEmpty else { return }
        sourceMap.startRun(atOffset: count, location: parser.location(of: index))
        text.append(contentsOf: produced.unicodeScalars)
        count += produced.unicodeScalars.count
        lastSourceIndex = -2
    }

    func node(style: YAMLScalar.Style, at location: SourceLocation) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text: String(text), style: style, sourceMap: sourceMap)), at: location)
    }
}

extension YAMLParser {
    // MARK: - Plain scalars

    /// Parses an unquoted scalar, folding continuation lines that are indented more than `parentIndent`.
    ///
    /// In block context the scalar ends at `: `, ` #` or the end of its last line. Inside a flow
    /// collection it also ends at `,`, `[`, `]`, `{`, `}` and at a `:` before one of them.
    func parsePlainScalar(parentIndent: Int, inFlow: Bool) throws(WorkflowError) -> YAMLNode {
        let startLocation = location(of: pos)
        var builder = ScalarTextBuilder(start: startLocation)
        var continued = false
        while true {
            let segmentStart = pos
            var contentEnd = pos
            while let scalar = current, scalar != "\n" {
                if endsPlainScalar(scalar, inFlow: inFlow, segmentStart: segmentStart) { break }
                pos += 1
                if !Self.isSpace(scalar) {
                    contentEnd = pos
                }
            }
            for index in segmentStart..<contentEnd {
                builder.appendSource(chars[index], at: index, parser: self)
            }
            if current == ":" && !inFlow && continued {
                throw error(
                    "a 'key: value' pair cannot continue a value from an earlier line", at: pos,
                    hint: "indent this key like the other keys of its mapping, or quote the value")
            }
            guard current == "\n",
                let (next, emptyLines) = plainContinuation(parentIndent: parentIndent, inFlow: inFlow)
            else { break }
            builder.appendProduced(
                emptyLines == 0 ? " " : String(repeating: "\n", count: emptyLines), at: pos, parser: self)
            pos = next
            continued = true
        }
        return builder.node(style: .plain, at: startLocation)
    }

    private func endsPlainScalar(_ scalar: Unicode.Scalar, inFlow: Bool, segmentStart: Int) -> Bool {
        if scalar == ":" {
            return isBlank(pos + 1) || (inFlow && Self.isFlowIndicator(char(pos + 1)))
        }
        if scalar == "#" {
            return pos > segmentStart && Self.isSpace(char(pos - 1))
        }
        return inFlow && Self.isFlowIndicator(scalar)
    }

    static func isFlowIndicator(_ scalar: Unicode.Scalar?) -> Bool {
        scalar == "," || scalar == "[" || scalar == "]" || scalar == "{" || scalar == "}"
    }

    /// Finds the line that continues a plain scalar whose line ends at `pos`, and the empty lines before it.
    private func plainContinuation(parentIndent: Int, inFlow: Bool) -> (index: Int, emptyLines: Int)? {
        var cursor = pos
        var emptyLines = -1
        while char(cursor) == "\n" {
            cursor += 1
            emptyLines += 1
            let lineStart = cursor
            var spaces = 0
            while char(cursor) == " " {
                cursor += 1
                spaces += 1
            }
            while Self.isSpace(char(cursor)) {
                cursor += 1
            }
            guard let scalar = char(cursor) else { return nil }
            if scalar == "\n" { continue }
            if scalar == "#" || isDocumentMarker(at: lineStart) { return nil }
            if spaces <= parentIndent || (inFlow && (Self.isFlowIndicator(scalar) || scalar == ":")) {
                return nil
            }
            return (cursor, emptyLines)
        }
        return nil
    }

    // MARK: - Quoted scalars

    /// Parses a single- or double-quoted scalar, with escapes and line folding.
    ///
    /// Continuation lines must be indented more than `parentIndent`, except a line that starts with the
    /// closing quote. Any other line breaks the rule, and the error points at the opening quote.
    func parseQuotedScalar(parentIndent: Int) throws(WorkflowError) -> YAMLNode {
        let quoteIndex = pos
        let quote = chars[pos]
        let isDouble = quote == "\""
        let startLocation = location(of: quoteIndex)
        pos += 1
        var builder = ScalarTextBuilder(start: location(of: pos))
        var pendingSpaces: [Int] = []

        while true {
            guard let scalar = current else { throw unterminatedQuote(at: quoteIndex, reason: "the file ends first") }
            if scalar == quote && !(quote == "'" && char(pos + 1) == "'") {
                pos += 1
                break
            }
            if scalar == "\n" {
                pendingSpaces = []
                try foldQuotedLineBreak(
                    escaped: false, parentIndent: parentIndent, quoteIndex: quoteIndex, into: &builder)
                continue
            }
            if Self.isSpace(scalar) {
                pendingSpaces.append(pos)
                pos += 1
                continue
            }
            for index in pendingSpaces {
                builder.appendSource(chars[index], at: index, parser: self)
            }
            pendingSpaces = []
            if scalar == "'" && !isDouble {
                builder.appendProduced("'", at: pos, parser: self)
                pos += 2
            } else if scalar == "\\" && isDouble {
                try appendEscape(into: &builder, parentIndent: parentIndent, quoteIndex: quoteIndex)
            } else {
                builder.appendSource(scalar, at: pos, parser: self)
                pos += 1
            }
        }

        for index in pendingSpaces {
            builder.appendSource(chars[index], at: index, parser: self)
        }
        return builder.node(style: isDouble ? .doubleQuoted : .singleQuoted, at: startLocation)
    }

    private func unterminatedQuote(at quoteIndex: Int, reason: String) -> WorkflowError {
        let quote = chars[quoteIndex]
        return error(
            "unterminated \(quote == "\"" ? "double" : "single")-quoted string: \(reason)", at: quoteIndex,
            hint: "add the closing \(quote), or escape the quote inside the string")
    }

    /// Folds the line break at `pos`: one break becomes a space and each empty line a line feed.
    /// After a `\` at the end of a line (escaped), the break itself adds nothing.
    private func foldQuotedLineBreak(
        escaped: Bool, parentIndent: Int, quoteIndex: Int, into builder: inout ScalarTextBuilder
    ) throws(WorkflowError) {
        let breakIndex = pos
        var emptyLines = -1
        while current == "\n" {
            pos += 1
            emptyLines += 1
            let lineStart = pos
            var spaces = 0
            while current == " " {
                pos += 1
                spaces += 1
            }
            skipSpaces()
            guard let scalar = current else {
                throw unterminatedQuote(at: quoteIndex, reason: "the file ends first")
            }
            if scalar == "\n" { continue }
            if isDocumentMarker(at: lineStart) {
                throw unterminatedQuote(at: quoteIndex, reason: "a document marker comes first")
            }
            if spaces <= parentIndent && scalar != chars[quoteIndex] {
                throw unterminatedQuote(
                    at: quoteIndex, reason: "line \(location(of: lineStart).line) is not indented enough to continue it"
                )
            }
        }
        let produced =
            escaped || emptyLines > 0 ? String(repeating: "\n", count: emptyLines) : " "
        builder.appendProduced(produced, at: breakIndex, parser: self)
    }

    /// The one-character escapes of YAML 1.2 double-quoted scalars, by the character after the backslash.
    private static let simpleEscapes: [Unicode.Scalar: Unicode.Scalar] = [
        "0": "\u{0}", "a": "\u{7}", "b": "\u{8}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{B}",
        "f": "\u{C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
        "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
    ]

    /// Decodes the escape sequence at `pos` (a backslash) in a double-quoted scalar.
    private func appendEscape(
        into builder: inout ScalarTextBuilder, parentIndent: Int, quoteIndex: Int
    ) throws(WorkflowError) {
        let backslash = pos
        guard let code = char(pos + 1) else { throw unterminatedQuote(at: quoteIndex, reason: "the file ends first") }
        if code == "\n" {
            pos += 1
            try foldQuotedLineBreak(escaped: true, parentIndent: parentIndent, quoteIndex: quoteIndex, into: &builder)
            return
        }

        pos += 2
        if let decoded = Self.simpleEscapes[code] {
            builder.appendProduced(String(Character(decoded)), at: backslash, parser: self)
            return
        }

        let decoded = try decodeCodePoint(code, backslash: backslash)
        builder.appendProduced(String(Character(decoded)), at: backslash, parser: self)
    }

    /// Reads the hex digits of a `\x`, `\u` or `\U` escape whose backslash is at `backslash`.
    private func decodeCodePoint(_ code: Unicode.Scalar, backslash: Int) throws(WorkflowError) -> Unicode.Scalar {
        let digits: Int
        switch code {
        case "x": digits = 2
        case "u": digits = 4
        case "U": digits = 8
        default:
            throw error(
                "invalid escape '\\\(code)' in a double-quoted string", at: backslash,
                hint: "write '\\\\' for a backslash, or use single quotes, which have no escapes")
        }

        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let digit = current, let hex = Self.hexValue(digit) else {
                throw error(
                    "invalid escape: '\\\(code)' needs \(digits) hexadecimal digits", at: backslash,
                    hint: "write the code point with exactly \(digits) hex digits")
            }
            value = value * 16 + hex
            pos += 1
        }

        guard let decoded = Unicode.Scalar(value) else {
            throw error(
                "invalid escape: U+\(String(value, radix: 16, uppercase: true)) is not a character", at: backslash)
        }
        return decoded
    }

    static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    // MARK: - Block scalars

    private enum Chomping {
        case clip, strip, keep
    }

    private enum BlockLine {
        case content(start: Int, end: Int, endsWithBreak: Bool)
        case empty

        var isContent: Bool {
            if case .content = self { return true }
            return false
        }
    }

    /// Parses a `|` or `>` block scalar with optional chomping (`-`, `+`) and indentation (1-9) indicators.
    func parseBlockScalar(parentIndent: Int) throws(WorkflowError) -> YAMLNode {
        let headerIndex = pos
        let folded = current == ">"
        pos += 1
        let (chomping, indicator) = try parseBlockHeader()
        if current == "\n" {
            pos += 1
        }
        let blockIndent: Int
        if let indicator {
            blockIndent = parentIndent >= 0 ? parentIndent + indicator : indicator
        } else {
            blockIndent = detectBlockIndent(parentIndent: parentIndent)
        }
        let lines = readBlockLines(indent: blockIndent)
        var builder = ScalarTextBuilder(start: location(of: headerIndex))
        appendBlockLines(lines, folded: folded, chomping: chomping, into: &builder)
        return builder.node(style: folded ? .folded : .literal, at: location(of: headerIndex))
    }

    private func parseBlockHeader() throws(WorkflowError) -> (Chomping, Int?) {
        var chomping: Chomping?
        var indicator: Int?
        for _ in 0..<2 {
            if let scalar = current, scalar == "-" || scalar == "+", chomping == nil {
                chomping = scalar == "-" ? .strip : .keep
                pos += 1
            } else if let scalar = current, ("0"..."9").contains(scalar), indicator == nil {
                guard scalar != "0" else {
                    throw error(
                        "a block scalar's indentation indicator must be 1 to 9", at: pos,
                        hint: "remove the 0 or write the number of spaces the content is indented by")
                }
                indicator = Int(scalar.value - 48)
                pos += 1
            }
        }
        skipSpaces()
        if current == "#" && isBlank(pos - 1) {
            skipToEndOfLine()
        }
        guard current == nil || current == "\n" else {
            throw error(
                "unexpected text '\(excerpt(at: pos))' after the block scalar indicator", at: pos,
                hint: "start the text on the next line, indented more than its key")
        }
        return (chomping ?? .clip, indicator)
    }

    /// Returns the indentation of the block's first non-empty line. It is at least one more than
    /// `parentIndent` and no less than the longest empty line before it, as in libyaml.
    private func detectBlockIndent(parentIndent: Int) -> Int {
        var cursor = pos
        var maxIndent = 0
        while cursor < chars.count {
            var spaces = 0
            while char(cursor) == " " {
                cursor += 1
                spaces += 1
            }
            maxIndent = max(maxIndent, spaces)
            guard char(cursor) == "\n" else { break }
            cursor += 1
        }
        return max(maxIndent, parentIndent + 1, 1)
    }

    private func readBlockLines(indent: Int) -> [BlockLine] {
        var lines: [BlockLine] = []
        while pos < chars.count {
            let lineStart = pos
            if isDocumentMarker(at: lineStart) { break }
            var cursor = lineStart
            var spaces = 0
            while char(cursor) == " " && spaces < indent {
                cursor += 1
                spaces += 1
            }
            if char(cursor) == "\n" {
                lines.append(.empty)
                pos = cursor + 1
                continue
            }
            guard spaces == indent, char(cursor) != nil else { break }
            var end = cursor
            while let scalar = char(end), scalar != "\n" {
                end += 1
            }
            lines.append(.content(start: cursor, end: end, endsWithBreak: char(end) == "\n"))
            pos = char(end) == "\n" ? end + 1 : end
        }
        return lines
    }

    /// Joins block lines: literal keeps line breaks; folded turns a single break between two lines that
    /// do not start with white space into a space. Chomping then decides the final line breaks.
    private func appendBlockLines(
        _ lines: [BlockLine], folded: Bool, chomping: Chomping, into builder: inout ScalarTextBuilder
    ) {
        guard let firstContent = lines.firstIndex(where: \.isContent) else {
            if chomping == .keep {
                builder.appendProduced(String(repeating: "\n", count: lines.count), at: pos, parser: self)
            }
            return
        }
        builder.appendProduced(String(repeating: "\n", count: firstContent), at: pos, parser: self)

        var index = firstContent
        while case .content(let start, let end, let endsWithBreak) = lines[index] {
            for source in start..<end {
                builder.appendSource(chars[source], at: source, parser: self)
            }

            let next = lines[(index + 1)...].firstIndex(where: \.isContent)
            let emptyLines = (next ?? lines.count) - index - 1
            guard let next, case .content(let nextStart, _, _) = lines[next] else {
                let finalBreak = endsWithBreak ? "\n" : ""
                let breaks: String
                switch chomping {
                case .strip: breaks = ""
                case .clip: breaks = finalBreak
                case .keep: breaks = finalBreak + String(repeating: "\n", count: emptyLines)
                }
                builder.appendProduced(breaks, at: end, parser: self)
                return
            }

            let joinsWithSpace = folded && !Self.isSpace(chars[start]) && !Self.isSpace(chars[nextStart])
            let separator =
                joinsWithSpace && emptyLines == 0
                ? " " : String(repeating: "\n", count: emptyLines + (joinsWithSpace ? 0 : 1))
            builder.appendProduced(separator, at: end, parser: self)
            index = next
        }
    }
}
