extension YAMLParser {
    /// Parses the node that starts on a later line, after `key:` or `-` ended their line.
    ///
    /// The node is empty when the next content line is not indented more than `parentIndent`, except for
    /// a `- ` entry at exactly `parentIndent` when `allowsCompactSequence` (the value of a mapping key).
    func parseNodeOnNextLines(
        parentIndent: Int, allowsCompactSequence: Bool, emptyAt emptyIndex: Int
    ) throws(WorkflowError) -> YAMLNode {
        let emptyNode = Self.emptyScalar(at: location(of: emptyIndex))
        guard try skipToNextContentLine(), !isDocumentMarker(at: pos) else { return emptyNode }
        let indent = column(of: pos)
        if indent > parentIndent {
            return try parseNodeHere(parentIndent: parentIndent, inlineAfterKey: false, allowsCompactSequence: false)
        }
        if indent == parentIndent && allowsCompactSequence && atSequenceEntry {
            return try parseBlockSequence(indent: indent)
        }
        return emptyNode
    }

    static func emptyScalar(at location: SourceLocation) -> YAMLNode {
        YAMLNode(
            .scalar(YAMLScalar(text: "", style: .plain, sourceMap: ScalarSourceMap(start: location))), at: location)
    }

    /// Parses the node whose first character (or anchor or tag) is at `pos`.
    ///
    /// `inlineAfterKey` is true for `key: value` on one line, where a block collection cannot start.
    func parseNodeHere(
        parentIndent: Int, inlineAfterKey: Bool, allowsCompactSequence: Bool
    ) throws(WorkflowError) -> YAMLNode {
        let start = pos
        if let properties = try parseProperties() {
            skipSpaces()
            if atLineEnd {
                let node = try parseNodeOnNextLines(
                    parentIndent: parentIndent, allowsCompactSequence: allowsCompactSequence, emptyAt: pos)
                return try apply(properties, to: node)
            }
            if startsImplicitKey() {
                return try parseMappingHere(
                    indent: column(of: start), inlineAfterKey: inlineAfterKey, firstKeyProperties: properties)
            }
            return try apply(
                properties, to: try parseContentHere(parentIndent: parentIndent, inlineAfterKey: inlineAfterKey))
        }
        if startsImplicitKey() {
            return try parseMappingHere(
                indent: column(of: start), inlineAfterKey: inlineAfterKey, firstKeyProperties: nil)
        }
        return try parseContentHere(parentIndent: parentIndent, inlineAfterKey: inlineAfterKey)
    }

    private func parseMappingHere(
        indent: Int, inlineAfterKey: Bool, firstKeyProperties: NodeProperties?
    ) throws(WorkflowError) -> YAMLNode {
        guard !inlineAfterKey else {
            throw error(
                "a mapping cannot start on the same line as its key", at: implicitKeyColon() ?? pos,
                hint: "move the nested 'key: value' to its own, more indented line, or quote the value")
        }
        return try parseBlockMapping(indent: indent, firstKeyProperties: firstKeyProperties)
    }

    /// Parses a node that is not a block mapping: a block sequence, a scalar or a flow collection.
    private func parseContentHere(parentIndent: Int, inlineAfterKey: Bool) throws(WorkflowError) -> YAMLNode {
        let start = pos
        switch current {
        case "-" where atSequenceEntry:
            guard !inlineAfterKey else {
                throw error(
                    "a sequence cannot start on the same line as its key", at: pos,
                    hint: "start the '- ' items on the next line")
            }
            return try parseBlockSequence(indent: column(of: pos))
        case "*":
            return try parseAlias()
        case "[", "{":
            return try parseFlowCollection(parentIndent: parentIndent)
        case "|", ">":
            return try parseBlockScalar(parentIndent: parentIndent)
        case "\"", "'":
            let node = try parseQuotedScalar(parentIndent: parentIndent)
            skipSpaces()
            if current == ":" && isBlank(pos + 1) {
                throw error(
                    "a multi-line key or a key after another key is not allowed here", at: start,
                    hint: "put each 'key: value' pair on its own line")
            }
            return node
        case "?" where isBlank(pos + 1):
            throw error(
                "explicit '? ' keys are not supported", at: pos, hint: "write the key as 'key: value' on one line")
        default:
            try checkPlainStart(at: pos)
            return try parsePlainScalar(parentIndent: parentIndent, inFlow: false)
        }
    }

    /// Parses `key: value` lines at column `indent` until a line is indented less.
    func parseBlockMapping(indent: Int, firstKeyProperties: NodeProperties?) throws(WorkflowError) -> YAMLNode {
        try nested(at: pos) { () throws(WorkflowError) in
            try parseBlockMappingEntries(indent: indent, firstKeyProperties: firstKeyProperties)
        }
    }

    private func parseBlockMappingEntries(
        indent: Int, firstKeyProperties: NodeProperties?
    ) throws(WorkflowError) -> YAMLNode {
        let mappingLocation = location(of: pos)
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var keyChecker = DuplicateKeyChecker()
        var properties = firstKeyProperties
        while true {
            if atSequenceEntry {
                throw error(
                    "expected a mapping key but found a sequence item", at: pos,
                    hint: "indent the '- ' item under its key, or add a key")
            }
            let key = try parseMappingKey(indent: indent, properties: properties)
            properties = nil
            try keyChecker.check(key, parser: self)
            skipSpaces()
            let value: YAMLNode
            if atLineEnd {
                value = try parseNodeOnNextLines(parentIndent: indent, allowsCompactSequence: true, emptyAt: pos)
            } else {
                value = try parseNodeHere(parentIndent: indent, inlineAfterKey: true, allowsCompactSequence: true)
            }
            pairs.append((key, value))
            guard try skipToNextContentLine(), !isDocumentMarker(at: pos) else { break }
            let nextIndent = column(of: pos)
            if nextIndent < indent { break }
            if nextIndent > indent {
                throw misindentedLine(after: key, value: value, keyIndent: indent)
            }
        }
        return YAMLNode(.mapping(pairs), at: mappingLocation)
    }

    /// Describes a line indented more than the mapping's keys that is not part of the value above:
    /// either that value is complete, or the line sits between the columns of two levels.
    private func misindentedLine(after key: YAMLNode, value: YAMLNode, keyIndent: Int) -> WorkflowError {
        let name = key.keyText.map { "'\($0)'" } ?? "the key above"
        switch value.kind {
        case .mapping, .sequence:
            return error(
                "this line is indented less than the entries under \(name) but more than \(name) itself", at: pos,
                hint: "indent it like the entries under \(name), or like \(name) at column \(keyIndent + 1)")
        case .scalar:
            return error(
                "this line is indented more than \(name), whose value ends on the line above", at: pos,
                hint: "align it with \(name) at column \(keyIndent + 1), or give \(name) a block value")
        }
    }

    /// Parses `- item` lines at column `indent` until a line is indented less or is not an item.
    func parseBlockSequence(indent: Int) throws(WorkflowError) -> YAMLNode {
        try nested(at: pos) { () throws(WorkflowError) in try parseBlockSequenceItems(indent: indent) }
    }

    private func parseBlockSequenceItems(indent: Int) throws(WorkflowError) -> YAMLNode {
        let sequenceLocation = location(of: pos)
        var items: [YAMLNode] = []
        while true {
            let dashIndex = pos
            pos += 1
            skipSpaces()
            if atLineEnd {
                items.append(
                    try parseNodeOnNextLines(parentIndent: indent, allowsCompactSequence: false, emptyAt: dashIndex + 1)
                )
            } else {
                items.append(
                    try parseNodeHere(parentIndent: indent, inlineAfterKey: false, allowsCompactSequence: false))
            }
            guard try skipToNextContentLine(), !isDocumentMarker(at: pos) else { break }
            let nextIndent = column(of: pos)
            if nextIndent < indent || (nextIndent == indent && !atSequenceEntry) { break }
            if nextIndent > indent {
                throw error(
                    "this line is indented more than the '- ' items above it", at: pos,
                    hint: "align the item with the '-' at column \(indent + 1)")
            }
        }
        return YAMLNode(.sequence(items), at: sequenceLocation)
    }

    /// Parses a key of a block mapping and the `:` after it.
    private func parseMappingKey(indent: Int, properties: NodeProperties?) throws(WorkflowError) -> YAMLNode {
        var keyProperties = properties
        if keyProperties == nil, let parsed = try parseProperties() {
            keyProperties = parsed
            skipSpaces()
        }

        let start = pos
        var key: YAMLNode
        switch current {
        case "\"", "'":
            key = try parseQuotedScalar(parentIndent: indent)
            guard location(of: pos).line == key.location.line else {
                throw error("a quoted key must be on one line", at: start)
            }
            skipSpaces()
        case "*", "[", "{":
            throw error(
                "an alias or a flow collection cannot be used as a key", at: pos,
                hint: "use a plain or quoted string as the key")
        case "?" where isBlank(pos + 1):
            throw error(
                "explicit '? ' keys are not supported", at: pos, hint: "write the key as 'key: value' on one line")
        default:
            guard let colon = implicitKeyColon() else {
                throw error(
                    "expected 'key: value' but found '\(excerpt(at: pos))'", at: pos,
                    hint: "add ': ' after the key, or check the indentation of this line")
            }
            try checkPlainStart(at: pos)
            key = plainKey(from: pos, to: colon)
            pos = colon
        }

        guard current == ":" && isBlank(pos + 1) else {
            throw error(
                "expected ':' after the key", at: pos,
                hint: "add ': ' after the key, or check the indentation of this line")
        }
        pos += 1
        if let keyProperties {
            key = try apply(keyProperties, to: key)
        }
        return key
    }

    private func plainKey(from start: Int, to end: Int) -> YAMLNode {
        var last = end
        while last > start && Self.isSpace(chars[last - 1]) {
            last -= 1
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: chars[start..<last])
        let keyLocation = location(of: start)
        let scalar = YAMLScalar(text: text, style: .plain, sourceMap: ScalarSourceMap(start: keyLocation))
        return YAMLNode(.scalar(scalar), at: keyLocation)
    }

    /// True when a plain or quoted key followed by `: ` starts at `pos` on this line.
    private func startsImplicitKey() -> Bool {
        switch current {
        case "\"", "'":
            return quotedKeyColon() != nil
        case "[", "{", "|", ">", "*", "!", "&", "#", "%", "@", "`", nil:
            return false
        case "-", "?", ":":
            return !isBlank(pos + 1) && implicitKeyColon() != nil
        default:
            return implicitKeyColon() != nil
        }
    }

    /// Returns the index of the `:` that ends a plain key starting at `pos`, or nil when this line has none.
    func implicitKeyColon() -> Int? {
        var cursor = pos
        while let scalar = char(cursor), scalar != "\n" {
            if scalar == ":" && isBlank(cursor + 1) {
                return cursor
            }
            if scalar == "#" && cursor > pos && Self.isSpace(char(cursor - 1)) {
                return nil
            }
            cursor += 1
        }
        return nil
    }

    /// Returns the index of the `:` after a one-line quoted key starting at `pos`, or nil.
    private func quotedKeyColon() -> Int? {
        guard let quote = current else { return nil }
        var cursor = pos + 1
        while let scalar = char(cursor), scalar != "\n" {
            if quote == "\"" && scalar == "\\" {
                cursor += 2
                continue
            }
            if scalar == quote {
                if quote == "'" && char(cursor + 1) == "'" {
                    cursor += 2
                    continue
                }
                var after = cursor + 1
                while Self.isSpace(char(after)) {
                    after += 1
                }
                return char(after) == ":" && isBlank(after + 1) ? after : nil
            }
            cursor += 1
        }
        return nil
    }

    /// Rejects the characters YAML reserves at the start of a plain scalar.
    func checkPlainStart(at index: Int) throws(WorkflowError) {
        guard let scalar = char(index) else { return }
        switch scalar {
        case "@", "`":
            throw error(
                "a value cannot start with '\(scalar)'", at: index, hint: "put the value in quotes")
        case "%" where column(of: index) == 0:
            throw error("a directive '%' is only allowed before '---'", at: index, hint: "put the value in quotes")
        case ",", "]", "}":
            throw error("unexpected '\(scalar)'", at: index, hint: "put the value in quotes")
        default:
            return
        }
    }
}

/// Finds keys that GitHub Actions treats as the same: it compares keys without regard to case.
struct DuplicateKeyChecker {
    private var seen: [String: (text: String, line: Int)] = [:]

    mutating func check(_ key: YAMLNode, parser: YAMLParser) throws(WorkflowError) {
        guard let text = key.keyText else { return }
        let folded = text.lowercased()
        if let first = seen[folded] {
            let sameSpelling = first.text == text ? "" : " as '\(first.text)'"
            throw WorkflowError(
                location: key.location,
                message: "duplicate key '\(text)'; line \(first.line) already defines it\(sameSpelling)",
                hint:
                    "remove one of them; GitHub Actions rejects duplicate keys and compares keys without regard to case"
            )
        }
        seen[folded] = (text, key.location.line)
    }
}
