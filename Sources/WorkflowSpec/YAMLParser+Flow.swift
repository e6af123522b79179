extension YAMLParser {
    // MARK: - Flow collections

    /// Parses `[a, b]` or `{k: v}`, nested and over several lines, with an optional trailing comma.
    ///
    /// Inside `[ ]` a `key: value` entry is a mapping with one pair, as YAML specifies.
    func parseFlowCollection(parentIndent: Int) throws(WorkflowError) -> YAMLNode {
        try nested(at: pos) { () throws(WorkflowError) in try parseFlowEntries(parentIndent: parentIndent) }
    }

    private func parseFlowEntries(parentIndent: Int) throws(WorkflowError) -> YAMLNode {
        let openIndex = pos
        let isSequence = current == "["
        let close: Unicode.Scalar = isSequence ? "]" : "}"
        pos += 1
        var items: [YAMLNode] = []
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var keyChecker = DuplicateKeyChecker()

        while true {
            try skipFlowSpace(openIndex: openIndex)
            guard let scalar = current else { throw unclosedFlow(at: openIndex) }
            if scalar == close {
                pos += 1
                break
            }
            if scalar == "," {
                throw error("unexpected ',' without a value before it", at: pos, hint: "remove the extra comma")
            }

            let (key, value) = try parseFlowEntry(parentIndent: parentIndent, openIndex: openIndex, close: close)
            if isSequence {
                if let value {
                    items.append(YAMLNode(.mapping([(key, value)]), at: key.location))
                } else {
                    items.append(key)
                }
            } else {
                try keyChecker.check(key, parser: self)
                pairs.append((key, value ?? Self.emptyScalar(at: location(of: pos))))
            }

            try skipFlowSpace(openIndex: openIndex)
            if current == "," {
                pos += 1
                continue
            }
            if current == close {
                pos += 1
                break
            }
            guard current != nil else { throw unclosedFlow(at: openIndex) }
            throw unexpectedInFlow(openIndex: openIndex, close: close, parentIndent: parentIndent)
        }

        let kind: YAMLNode.Kind = isSequence ? .sequence(items) : .mapping(pairs)
        return YAMLNode(kind, at: location(of: openIndex))
    }

    /// Parses one entry: a node, optionally followed by `:` and a value.
    private func parseFlowEntry(
        parentIndent: Int, openIndex: Int, close: Unicode.Scalar
    ) throws(WorkflowError) -> (key: YAMLNode, value: YAMLNode?) {
        if current == "?" && isBlank(pos + 1) {
            throw error("explicit '? ' keys are not supported", at: pos, hint: "write the entry as 'key: value'")
        }
        let keyStart = pos
        let key: YAMLNode
        if current == ":" && (isBlank(pos + 1) || Self.isFlowIndicator(char(pos + 1))) {
            key = Self.emptyScalar(at: location(of: pos))
        } else {
            key = try parseFlowNode(parentIndent: parentIndent, openIndex: openIndex)
        }
        let keyIsQuotedOrCollection = ["\"", "'", "[", "{"].contains(chars[keyStart])
        try skipFlowSpace(openIndex: openIndex)
        let startsValue =
            current == ":"
            && (keyIsQuotedOrCollection || isBlank(pos + 1) || Self.isFlowIndicator(char(pos + 1)))
        guard startsValue else { return (key, nil) }
        pos += 1
        try skipFlowSpace(openIndex: openIndex)
        if current == "," || current == close {
            return (key, Self.emptyScalar(at: location(of: pos)))
        }
        return (key, try parseFlowNode(parentIndent: parentIndent, openIndex: openIndex))
    }

    /// Parses a node inside a flow collection.
    private func parseFlowNode(parentIndent: Int, openIndex: Int) throws(WorkflowError) -> YAMLNode {
        let properties = try parseProperties()
        if properties != nil {
            try skipFlowSpace(openIndex: openIndex)
        }
        let node: YAMLNode
        switch current {
        case nil:
            throw unclosedFlow(at: openIndex)
        case "[", "{":
            node = try parseFlowCollection(parentIndent: parentIndent)
        case "\"", "'":
            node = try parseQuotedScalar(parentIndent: parentIndent)
        case "*":
            node = try parseAlias()
        case "|", ">":
            throw error(
                "a block scalar cannot be used inside [ ] or { }", at: pos, hint: "quote the value instead")
        case "-" where isBlank(pos + 1):
            throw error(
                "a '- ' item cannot be used inside [ ] or { }", at: pos, hint: "separate the items with commas")
        case "#":
            throw error("a value cannot start with '#'", at: pos, hint: "put the value in quotes")
        case ",", "]", "}", ":":
            node = Self.emptyScalar(at: location(of: pos))
        default:
            try checkPlainStart(at: pos)
            node = try parsePlainScalar(parentIndent: parentIndent, inFlow: true)
        }
        guard let properties else { return node }
        return try apply(properties, to: node)
    }

    /// Skips spaces, line breaks and comments between flow entries.
    private func skipFlowSpace(openIndex: Int) throws(WorkflowError) {
        while let scalar = current {
            if scalar == " " || scalar == "\t" || scalar == "\n" {
                pos += 1
            } else if scalar == "#" && isBlank(pos - 1) {
                skipToEndOfLine()
            } else if isDocumentMarker(at: pos) {
                throw unclosedFlow(at: openIndex)
            } else {
                return
            }
        }
    }

    private func unclosedFlow(at openIndex: Int) -> WorkflowError {
        let close = chars[openIndex] == "[" ? "]" : "}"
        return error(
            "unclosed '\(chars[openIndex])': no matching '\(close)' follows", at: openIndex,
            hint: "add the closing '\(close)'")
    }

    /// Returns the error for a character that is neither `,` nor the closing bracket. When the character
    /// is on a later line that is not indented into the collection, the error is the unclosed bracket.
    private func unexpectedInFlow(openIndex: Int, close: Unicode.Scalar, parentIndent: Int) -> WorkflowError {
        let onLaterLine = location(of: pos).line > location(of: openIndex).line
        if onLaterLine && column(of: pos) <= parentIndent {
            return unclosedFlow(at: openIndex)
        }
        return error(
            "expected ',' or '\(close)' but found '\(excerpt(at: pos))'", at: pos,
            hint: "separate entries with ', ' and quote values that contain ': ' or '#'")
    }

    // MARK: - Anchors, aliases and tags

    /// Parses `&anchor` and `!tag` before a node, or returns nil when there are none.
    func parseProperties() throws(WorkflowError) -> NodeProperties? {
        var properties = NodeProperties()
        var found = false
        while current == "&" || current == "!" {
            if current == "&" {
                let ampersand = pos
                pos += 1
                let name = readAnchorName()
                guard !name.isEmpty else {
                    throw error("an anchor needs a name after '&'", at: ampersand)
                }
                properties.anchor = name
            } else {
                properties.tagIndex = pos
                properties.tag = try readTag()
            }
            found = true
            let beforeSpaces = pos
            skipSpaces()
            if current != "&" && current != "!" {
                pos = beforeSpaces
            }
        }
        return found ? properties : nil
    }

    private func readAnchorName() -> String {
        var name = ""
        while let scalar = current, !isBlank(pos), !Self.isFlowIndicator(scalar) {
            name.unicodeScalars.append(scalar)
            pos += 1
        }
        return name
    }

    /// Reads a tag and returns its full form, e.g. `tag:yaml.org,2002:str` for `!!str`.
    private func readTag() throws(WorkflowError) -> String {
        let start = pos
        var text = ""
        while let scalar = current, !isBlank(pos), !Self.isFlowIndicator(scalar) || text.hasPrefix("!<") {
            text.unicodeScalars.append(scalar)
            pos += 1
            if scalar == ">" && text.hasPrefix("!<") { break }
        }
        let supported = ["str", "int", "float", "bool", "null", "map", "seq"]
        if text == "!" {
            return "!"
        }
        if text.hasPrefix("!!"), supported.contains(String(text.dropFirst(2))) {
            return "tag:yaml.org,2002:" + text.dropFirst(2)
        }
        if text.hasPrefix("!<tag:yaml.org,2002:") && text.hasSuffix(">") {
            let name = text.dropFirst("!<tag:yaml.org,2002:".count).dropLast()
            if supported.contains(String(name)) {
                return "tag:yaml.org,2002:" + name
            }
        }
        throw error(
            "unsupported tag '\(text)'", at: start,
            hint: "GitHub Actions reads only the standard tags !!str, !!int, !!float, !!bool and !!null")
    }

    /// Attaches an anchor and a tag to a parsed node and records the anchor for later aliases.
    func apply(_ properties: NodeProperties, to node: YAMLNode) throws(WorkflowError) -> YAMLNode {
        var node = node
        if let tag = properties.tag {
            let tagIndex = properties.tagIndex ?? pos
            switch node.kind {
            case .scalar(var scalar):
                scalar.tag = tag
                node.kind = .scalar(scalar)
                _ = try YAMLScalarTyping.resolve(scalar, at: node.location)
            case .mapping where tag != "tag:yaml.org,2002:map":
                throw error("the tag of a mapping can only be !!map", at: tagIndex)
            case .sequence where tag != "tag:yaml.org,2002:seq":
                throw error("the tag of a sequence can only be !!seq", at: tagIndex)
            default:
                break
            }
        }
        if let anchor = properties.anchor {
            anchors[anchor] = (node, Self.nodeCount(node))
        }
        return node
    }

    /// Parses `*name` and returns a copy of the anchored node.
    func parseAlias() throws(WorkflowError) -> YAMLNode {
        let star = pos
        pos += 1
        let name = readAnchorName()
        guard !name.isEmpty else {
            throw error("an alias needs a name after '*'", at: star)
        }
        guard let anchored = anchors[name] else {
            throw error(
                "unknown alias '*\(name)'", at: star,
                hint: "define '&\(name)' earlier in the same document; an anchor must come before its aliases")
        }
        aliasExpansions += anchored.size
        guard aliasExpansions <= Self.maxAliasExpansions else {
            throw error(
                "aliases expand to more than \(Self.maxAliasExpansions) nodes", at: star,
                hint: "GitHub Actions rejects files this large; use fewer nested aliases")
        }
        return anchored.node
    }

    static func nodeCount(_ node: YAMLNode) -> Int {
        switch node.kind {
        case .scalar: return 1
        case .sequence(let items): return items.reduce(1) { $0 + nodeCount($1) }
        case .mapping(let pairs): return pairs.reduce(1) { $0 + nodeCount($1.key) + nodeCount($1.value) }
        }
    }
}
