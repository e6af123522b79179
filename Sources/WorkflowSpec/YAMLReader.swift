/// Reads the YAML subset that GitHub Actions workflow files use.
///
/// It reads block mappings and sequences, including `- ` items at the same indentation as their key.
/// It reads plain, single- and double-quoted scalars (multi-line too), and `|` and `>` block scalars
/// with chomping and indentation indicators. It also reads flow collections, comments, several
/// documents, anchors and aliases, and the tags `!!str`, `!!int`, `!!float`, `!!bool` and `!!null`.
/// Explicit `? ` keys, collections or aliases as keys, and local tags are reported as errors.
/// Merge keys (`<<`) are ordinary keys, as in GitHub's reader.
public enum YAMLReader {
    /// Parses `text` and returns one node per document; `file` names the source in every location.
    ///
    /// Errors point at the offending character: a tab used for indentation, a badly indented line, an
    /// unterminated quote or flow collection, a duplicate key. Keys are compared without regard to case,
    /// because GitHub Actions rejects `env: {A: 1, a: 2}` as a duplicate.
    public static func parse(_ text: String, file: String) throws(WorkflowError) -> [YAMLNode] {
        let parser = YAMLParser(text: text, file: file)
        return try parser.parseStream()
    }
}

/// The anchor and tag written before a node, such as `&defaults` or `!!str`.
struct NodeProperties {
    var anchor: String?
    var tag: String?
    var tagIndex: Int?
}

/// A recursive-descent reader over the Unicode scalars of one file.
///
/// Positions are indexes into `chars`. Block parsing follows YAML's indentation rules: the content of a
/// block collection is indented more than `parentIndent`, the indentation of the enclosing collection
/// (-1 at the top level).
final class YAMLParser {
    let file: String
    let chars: [Unicode.Scalar]
    var pos = 0
    private let lineStarts: [Int]
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    var aliasExpansions = 0
    private var depth = 0

    /// GitHub's reader stops after 50,000 nodes so that aliases cannot blow up a file; Berth applies the
    /// same bound to the nodes that aliases copy.
    static let maxAliasExpansions = 50_000

    /// Collections nest at most this deep, so that hostile input such as ten thousand `[` cannot exhaust
    /// the stack of this recursive reader. The bound is far deeper than workflow files need.
    static let maxDepth = 100

    /// Runs `body` one collection level deeper, failing at `maxDepth`.
    func nested<Node>(at index: Int, _ body: () throws(WorkflowError) -> Node) throws(WorkflowError) -> Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else {
            throw error(
                "collections are nested more than \(Self.maxDepth) levels deep", at: index,
                hint: "flatten the structure; GitHub workflow files need only a few levels")
        }
        return try body()
    }

    init(text: String, file: String) {
        self.file = file
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCarriageReturn = true
                continue
            }
            if scalar == "\n" && previousWasCarriageReturn {
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = false
            scalars.append(scalar)
        }
        if scalars.first == "\u{FEFF}" {
            scalars.removeFirst()
        }
        chars = scalars
        var starts = [0]
        for (index, scalar) in scalars.enumerated() where scalar == "\n" {
            starts.append(index + 1)
        }
        lineStarts = starts
    }

    // MARK: - Positions

    func location(of index: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= index {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return SourceLocation(file: file, line: low + 1, column: index - lineStarts[low] + 1)
    }

    func column(of index: Int) -> Int {
        location(of: index).column - 1
    }

    func char(_ index: Int) -> Unicode.Scalar? {
        index >= 0 && index < chars.count ? chars[index] : nil
    }

    var current: Unicode.Scalar? { char(pos) }

    static func isSpace(_ scalar: Unicode.Scalar?) -> Bool {
        scalar == " " || scalar == "\t"
    }

    /// True at a space, tab, line break or the end of the input.
    func isBlank(_ index: Int) -> Bool {
        guard let scalar = char(index) else { return true }
        return scalar == " " || scalar == "\t" || scalar == "\n"
    }

    /// True when only spaces and tabs stand between the start of the line and `index`.
    func onlyIndentation(before index: Int) -> Bool {
        var cursor = index - 1
        while let scalar = char(cursor), scalar != "\n" {
            guard Self.isSpace(scalar) else { return false }
            cursor -= 1
        }
        return true
    }

    /// True at `---` or `...` in column 1 followed by a blank.
    func isDocumentMarker(at index: Int) -> Bool {
        guard column(of: index) == 0, let first = char(index), first == "-" || first == "." else { return false }
        return char(index + 1) == first && char(index + 2) == first && isBlank(index + 3)
    }

    /// True at `- ` (or a `-` that ends the line), the start of a block sequence entry.
    var atSequenceEntry: Bool {
        current == "-" && isBlank(pos + 1)
    }

    /// True at a line break, the end, or a comment.
    var atLineEnd: Bool {
        guard let scalar = current else { return true }
        if scalar == "\n" { return true }
        return scalar == "#" && (pos == 0 || isBlank(pos - 1))
    }

    func error(_ message: String, at index: Int, hint: String? = nil) -> WorkflowError {
        WorkflowError(location: location(of: min(index, chars.count)), message: message, hint: hint)
    }

    /// Returns the text from `index` to the end of its line, shortened, for messages.
    func excerpt(at index: Int) -> String {
        var text = ""
        var cursor = index
        while let scalar = char(cursor), scalar != "\n", text.unicodeScalars.count < 40 {
            text.unicodeScalars.append(scalar)
            cursor += 1
        }
        return text
    }

    // MARK: - Lines

    func skipSpaces() {
        while Self.isSpace(current) {
            pos += 1
        }
    }

    func skipToEndOfLine() {
        while let scalar = current, scalar != "\n" {
            pos += 1
        }
    }

    /// Consumes trailing spaces, an optional comment and the line break after a node.
    func finishLine() throws(WorkflowError) {
        skipSpaces()
        if current == "#" && isBlank(pos - 1) {
            skipToEndOfLine()
        }
        guard let scalar = current else { return }
        guard scalar == "\n" else {
            throw error(
                "unexpected text '\(excerpt(at: pos))' after the value", at: pos,
                hint: "put a comment after ' #', or move the text to its own line")
        }
        pos += 1
    }

    /// Moves to the first character of the next line that has content, skipping blank and comment lines.
    /// Returns false at the end of the input. A tab before the content is an error.
    @discardableResult
    func skipToNextContentLine() throws(WorkflowError) -> Bool {
        if !onlyIndentation(before: pos) {
            try finishLine()
        }
        while true {
            var tabIndex: Int?
            while let scalar = current, Self.isSpace(scalar) {
                if scalar == "\t" && tabIndex == nil {
                    tabIndex = pos
                }
                pos += 1
            }
            guard let scalar = current else { return false }
            if scalar == "\n" {
                pos += 1
                continue
            }
            if scalar == "#" {
                skipToEndOfLine()
                continue
            }
            if let tabIndex {
                throw error(
                    "a tab character is used for indentation", at: tabIndex,
                    hint: "indent with spaces; YAML does not allow tabs in indentation")
            }
            return true
        }
    }

    // MARK: - Documents

    func parseStream() throws(WorkflowError) -> [YAMLNode] {
        var documents: [YAMLNode] = []
        while try skipToNextContentLine() {
            if column(of: pos) == 0 && current == "%" {
                skipToEndOfLine()
                continue
            }
            if isDocumentMarker(at: pos) && current == "." {
                pos += 3
                try finishLine()
                continue
            }
            documents.append(try parseDocument())
            guard try skipToNextContentLine() else { break }
            guard isDocumentMarker(at: pos) else {
                throw error(
                    "unexpected text '\(excerpt(at: pos))' after the end of the document", at: pos,
                    hint: "check the indentation of this line against the lines above it")
            }
        }
        return documents
    }

    private func parseDocument() throws(WorkflowError) -> YAMLNode {
        anchors = [:]
        guard isDocumentMarker(at: pos) && current == "-" else {
            return try parseNodeHere(parentIndent: -1, inlineAfterKey: false, allowsCompactSequence: false)
        }
        pos += 3
        skipSpaces()
        if atLineEnd {
            return try parseNodeOnNextLines(parentIndent: -1, allowsCompactSequence: false, emptyAt: pos)
        }
        return try parseNodeHere(parentIndent: -1, inlineAfterKey: false, allowsCompactSequence: false)
    }
}
