/// One node of a YAML document: a scalar, a mapping or a sequence, with where it starts.
///
/// Aliases are already replaced by a copy of the anchored node, so a tree never contains one.
public struct YAMLNode: Sendable {
    /// The content of a node.
    public enum Kind: Sendable {
        /// A single value such as `postgres:16` or `"yes"`.
        case scalar(YAMLScalar)
        /// Key/value pairs in file order.
        case mapping([(key: YAMLNode, value: YAMLNode)])
        /// Items in file order.
        case sequence([YAMLNode])
    }

    /// The content.
    public var kind: Kind
    /// The start of the node: the first character of a scalar (its quote or `|`), the first key of a
    /// block mapping, the first `-` of a block sequence, or the bracket of a flow collection.
    public var location: SourceLocation

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

/// The text of a scalar and how it was written.
public struct YAMLScalar: Sendable {
    /// How a scalar was written, which decides whether it can be a number, a boolean or null.
    public enum Style: Sendable {
        /// Unquoted, like `5432` or `postgres`.
        case plain
        /// In single quotes, like `'3.10'`.
        case singleQuoted
        /// In double quotes, like `"yes"`.
        case doubleQuoted
        /// A `|` block.
        case literal
        /// A `>` block.
        case folded
    }

    /// The value after escapes, folding and chomping are applied.
    public var text: String
    /// The quoting or block style.
    public var style: Style
    /// The explicit tag, such as `tag:yaml.org,2002:str` for `!!str`, or nil.
    var tag: String?
    /// The file positions of runs of `text`, so errors can point inside a scalar.
    var sourceMap: ScalarSourceMap

    init(text: String, style: Style, tag: String? = nil, sourceMap: ScalarSourceMap) {
        self.text = text
        self.style = style
        self.tag = tag
        self.sourceMap = sourceMap
    }
}

/// Maps offsets in a scalar's text (in Unicode scalars) back to file positions.
///
/// Each run starts where the reader copied characters from the file one for one; escapes and folded
/// line breaks start a new run. An offset inside a run is its start moved right on the same line.
struct ScalarSourceMap: Sendable {
    struct Run: Sendable {
        var offset: Int
        var location: SourceLocation
    }

    private(set) var runs: [Run] = []

    init(start: SourceLocation) {
        runs = [Run(offset: 0, location: start)]
    }

    mutating func startRun(atOffset offset: Int, location: SourceLocation) {
        if let last = runs.last, last.offset == offset {
            runs[runs.count - 1] = Run(offset: offset, location: location)
        } else {
            runs.append(Run(offset: offset, location: location))
        }
    }

    /// Returns the file position of the character at `offset` in the scalar's text.
    func location(atOffset offset: Int) -> SourceLocation {
        var chosen = runs[0]
        for run in runs where run.offset <= offset {
            chosen = run
        }
        return chosen.location.advanced(by: max(0, offset - chosen.offset))
    }
}

// MARK: - Navigation helpers used by the workflow reader

extension YAMLNode {
    /// The scalar, when the node is one.
    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The pairs, when the node is a mapping.
    var pairs: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The items, when the node is a sequence.
    var items: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The key's text for a scalar key, as GitHub Actions reads it (`1.0` becomes `1`).
    var keyText: String? {
        guard let scalar else { return nil }
        return (try? YAMLScalarTyping.resolve(scalar, at: location))?.tokenText ?? scalar.text
    }

    /// Returns the value stored under `key`, comparing keys exactly as GitHub compares property names.
    func value(forKey key: String) -> YAMLNode? {
        pairs?.first { $0.key.keyText == key }?.value
    }

    /// True for a plain `null`, `~` or empty scalar, which GitHub reads as "not given".
    var isNull: Bool {
        guard let scalar, scalar.style == .plain, scalar.tag == nil else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.text)
    }

    /// "a mapping", "a sequence" or "a string", for error messages.
    var kindDescription: String {
        switch kind {
        case .scalar: return isNull ? "an empty value" : "a string"
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        }
    }

    /// Returns the file position of the character at `offset` in a scalar's text, or the node start.
    func location(atOffset offset: Int) -> SourceLocation {
        scalar?.sourceMap.location(atOffset: offset) ?? location
    }
}
