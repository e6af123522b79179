import Testing

@testable import WorkflowSpec

struct YAMLCase: Sendable {
    let name: String
    let yaml: String
    let expected: [String]

    init(_ name: String, _ yaml: String, _ expected: String...) {
        self.name = name
        self.yaml = yaml
        self.expected = expected
    }
}

extension YAMLCase: CustomTestStringConvertible {
    var testDescription: String { name }
}

struct YAMLErrorCase: Sendable {
    let name: String
    let yaml: String
    let line: Int
    let column: Int
    let message: String
}

extension YAMLErrorCase: CustomTestStringConvertible {
    var testDescription: String { name }
}

@Suite("YAML reader")
struct YAMLReaderTests {
    static let scalarCases: [YAMLCase] = [
        YAMLCase("plain", "a: hello world", #"{"a": "hello world"}"#),
        YAMLCase("plain with colon and hash", "a: postgres:16 x#y", #"{"a": "postgres:16 x#y"}"#),
        YAMLCase("plain folded over lines", "a: one\n  two\n\n  three\n", #"{"a": "one two\nthree"}"#),
        YAMLCase("empty value", "a:\nb: ~", #"{"a": "", "b": "~"}"#),
        YAMLCase("single-quoted with doubled quote", "a: 'it''s'", #"{"a": "it\'s"}"#),
        YAMLCase("single-quoted keeps backslash", #"a: 'C:\path'"#, #"{"a": "C:\\path"}"#),
        YAMLCase(
            "double-quoted escapes", #"a: "q\" b\\ n\n t\t e\u00e9 x\x41 s\/""#,
            #"{"a": "q\" b\\ n\n t\t eé xA s/"}"#),
        YAMLCase("double-quoted folded", "a: \"one\n  two\n\n  three\"", #"{"a": "one two\nthree"}"#),
        YAMLCase("double-quoted escaped line break", "a: \"one\\\n  two\"", #"{"a": "onetwo"}"#),
        YAMLCase("single-quoted folded", "a: 'one\n  two'", #"{"a": "one two"}"#),
        YAMLCase("literal", "a: |\n  line1\n  line2\n\nb: 1", #"{"a": "line1\nline2\n", "b": "1"}"#),
        YAMLCase("literal strip", "a: |-\n  line1\n  line2\n\n", #"{"a": "line1\nline2"}"#),
        YAMLCase("literal keep", "a: |+\n  line1\n\n\nb: 1", #"{"a": "line1\n\n\n", "b": "1"}"#),
        YAMLCase("literal indentation indicator", "a: |2\n    indented\n  flush\n", #"{"a": "  indented\nflush\n"}"#),
        YAMLCase(
            "literal keeps comment-like lines", "a: |\n  # not a comment\n  x\n", ##"{"a": "# not a comment\nx\n"}"##),
        YAMLCase("folded", "a: >\n  one\n  two\n\n  three\n", #"{"a": "one two\nthree\n"}"#),
        YAMLCase(
            "folded strip", "a: >-\n  --health-cmd x\n  --health-retries 5\n",
            #"{"a": "--health-cmd x --health-retries 5"}"#),
        YAMLCase("folded keep", "a: >+\n  one\n  two\n\n", #"{"a": "one two\n\n"}"#),
        YAMLCase(
            "folded keeps more-indented lines", "a: >\n  one\n    two\n  three\n", #"{"a": "one\n  two\nthree\n"}"#),
        YAMLCase("block scalar with header comment", "a: | # note\n  x\n", #"{"a": "x\n"}"#),
        YAMLCase("CRLF line endings", "a: 1\r\nb: |\r\n  x\r\n", #"{"a": "1", "b": "x\n"}"#),
    ]

    @Test("scalar styles", arguments: scalarCases)
    func scalarStyles(_ testCase: YAMLCase) {
        #expect(renderYAML(testCase.yaml).value == testCase.expected)
    }

    static let structureCases: [YAMLCase] = [
        YAMLCase("nested mappings", "a:\n  b:\n    c: 1\n  d: 2", #"{"a": {"b": {"c": "1"}, "d": "2"}}"#),
        YAMLCase("sequence under key", "a:\n  - 1\n  - 2", #"{"a": ["1", "2"]}"#),
        YAMLCase(
            "sequence at key indentation", "ports:\n- 6379:6379\n- 5432\nnext: x",
            #"{"ports": ["6379:6379", "5432"], "next": "x"}"#),
        YAMLCase("mapping in sequence item", "- a: 1\n  b: 2\n- c: 3", #"[{"a": "1", "b": "2"}, {"c": "3"}]"#),
        YAMLCase("nested sequences", "- - a\n  - b\n- c", #"[["a", "b"], "c"]"#),
        YAMLCase("empty sequence item", "- \n- x", #"["", "x"]"#),
        YAMLCase("flow sequence", "a: [ mysql, 'b c', \"d\" ]", #"{"a": ["mysql", "b c", "d"]}"#),
        YAMLCase("nested flow", "a: [1, [2, 3], {k: v}]", #"{"a": ["1", ["2", "3"], {"k": "v"}]}"#),
        YAMLCase("flow mapping", "a: {x: 1, \"y\":2, z}", #"{"a": {"x": "1", "y": "2", "z": ""}}"#),
        YAMLCase("multi-line flow with comment", "a: [1, # one\n  2,\n  3, ]", #"{"a": ["1", "2", "3"]}"#),
        YAMLCase("single pair in flow sequence", "a: [k: v]", #"{"a": [{"k": "v"}]}"#),
        YAMLCase("flow plain with colon", "a: [http://x:80/y]", #"{"a": ["http://x:80/y"]}"#),
        YAMLCase("comments everywhere", "# head\na: 1 # tail\n  # indented\nb: 2\n", #"{"a": "1", "b": "2"}"#),
        YAMLCase("quoted keys", "\"a b\": 1\n'c': 2", #"{"a b": "1", "c": "2"}"#),
        YAMLCase("document markers", "---\na: 1\n...\n---\nb: 2\n", #"{"a": "1"}"#, #"{"b": "2"}"#),
        YAMLCase("document start with scalar", "--- |\n  text\n", #""text\n""#),
        YAMLCase("comment-only stream", "# nothing\n"),
        YAMLCase("anchor and alias", "a: &x value\nb: *x", #"{"a": "value", "b": "value"}"#),
        YAMLCase(
            "anchored mapping", "base: &b\n  image: redis\n  ports: [1]\nother: *b",
            #"{"base": {"image": "redis", "ports": ["1"]}, "other": {"image": "redis", "ports": ["1"]}}"#),
        YAMLCase("anchor on a key", "&k key: 1\nother: *k", #"{"key": "1", "other": "key"}"#),
        YAMLCase(
            "merge key is an ordinary key", "a: &x {p: 1}\nb:\n  <<: *x", #"{"a": {"p": "1"}, "b": {"<<": {"p": "1"}}}"#
        ),
        YAMLCase("tag", "a: !!str 5", #"{"a": "5"}"#),
        YAMLCase("tab after indentation", "a:\t1\nb: 2", #"{"a": "1", "b": "2"}"#),
    ]

    @Test("block and flow structure", arguments: structureCases)
    func structure(_ testCase: YAMLCase) {
        #expect(renderYAML(testCase.yaml).value == testCase.expected)
    }

    static let errorCases: [YAMLErrorCase] = [
        YAMLErrorCase(name: "tab indentation", yaml: "a:\n\tb: 1", line: 2, column: 1, message: "tab character"),
        YAMLErrorCase(
            name: "tab after spaces", yaml: "a:\n  b: 1\n  \tc: 2", line: 3, column: 3, message: "tab character"),
        YAMLErrorCase(
            name: "key between indentation levels", yaml: "a:\n    b: 1\n  c: 2", line: 3, column: 3,
            message: "indented less than the entries under 'a' but more than 'a' itself"),
        YAMLErrorCase(
            name: "item between indentation levels", yaml: "a:\n  - 1\n - 2", line: 3, column: 2,
            message: "indented less than the entries under 'a'"),
        YAMLErrorCase(
            name: "key indented under a scalar", yaml: "a: \"x\"\n  b: 2", line: 2, column: 3,
            message: "indented more than 'a', whose value ends on the line above"),
        YAMLErrorCase(
            name: "unterminated double quote", yaml: "a: \"abc\nb: 1", line: 1, column: 4,
            message: "unterminated double-quoted string"),
        YAMLErrorCase(
            name: "unterminated single quote", yaml: "a:\n  b: 'abc", line: 2, column: 6,
            message: "unterminated single-quoted string"),
        YAMLErrorCase(
            name: "duplicate key", yaml: "a: 1\nb: 2\na: 3", line: 3, column: 1, message: "duplicate key 'a'"),
        YAMLErrorCase(
            name: "duplicate key ignoring case", yaml: "env:\n  FOO: 1\n  foo: 2", line: 3, column: 3,
            message: "duplicate key 'foo'"),
        YAMLErrorCase(
            name: "duplicate key in flow mapping", yaml: "a: {x: 1, x: 2}", line: 1, column: 11,
            message: "duplicate key 'x'"),
        YAMLErrorCase(
            name: "unclosed flow sequence", yaml: "a: [1, 2\nb: 3", line: 1, column: 4, message: "unclosed '['"),
        YAMLErrorCase(
            name: "unclosed flow mapping", yaml: "x: 1\na: {k: v", line: 2, column: 4, message: "unclosed '{'"),
        YAMLErrorCase(
            name: "key after key on one line", yaml: "a: b: c", line: 1, column: 5,
            message: "mapping cannot start on the same line"),
        YAMLErrorCase(
            name: "invalid escape", yaml: "a: \"x\\qy\"", line: 1, column: 6, message: "invalid escape '\\q'"),
        YAMLErrorCase(
            name: "unknown alias", yaml: "a: *missing", line: 1, column: 4, message: "unknown alias '*missing'"),
        YAMLErrorCase(
            name: "sequence item among keys", yaml: "a: 1\n- b", line: 2, column: 1, message: "sequence item"),
        YAMLErrorCase(
            name: "text after quoted value", yaml: "a: \"x\" y", line: 1, column: 8, message: "unexpected text 'y'"),
        YAMLErrorCase(
            name: "zero indentation indicator", yaml: "a: |0\n x", line: 1, column: 5, message: "indentation indicator"),
        YAMLErrorCase(
            name: "missing colon", yaml: "a: 1\nb\nc: 2", line: 2, column: 1, message: "expected 'key: value'"),
        YAMLErrorCase(
            name: "key continues a value", yaml: "a: x\n  b: c", line: 2, column: 4,
            message: "cannot continue a value"),
        YAMLErrorCase(
            name: "reserved character", yaml: "a: @home", line: 1, column: 4, message: "cannot start with '@'"),
        YAMLErrorCase(name: "unsupported tag", yaml: "a: !custom x", line: 1, column: 4, message: "unsupported tag"),
    ]

    @Test("errors name the exact line and column", arguments: errorCases)
    func errorLocation(_ testCase: YAMLErrorCase) throws {
        let error = try #require(yamlError(testCase.yaml))
        #expect(error.location?.file == "test.yml")
        #expect(error.location?.line == testCase.line)
        #expect(error.location?.column == testCase.column)
        #expect(error.message.contains(testCase.message), "\(error.message)")
    }

    @Test("node locations point at keys and values")
    func nodeLocations() throws {
        let root = try firstDocument("jobs:\n  test:\n    image:  node\n    ports:\n    - 1\n")
        let test = try #require(root.value(forKey: "jobs")?.value(forKey: "test"))
        #expect(test.location.line == 3)
        #expect(test.location.column == 5)
        let image = try #require(test.value(forKey: "image"))
        #expect(image.location.column == 13)
        let ports = try #require(test.value(forKey: "ports"))
        #expect(ports.location.line == 5)
        #expect(ports.location.column == 5)
    }

    @Test("scalar styles are recorded")
    func styles() throws {
        let root = try firstDocument("a: x\nb: 'x'\nc: \"x\"\nd: |\n  x\ne: >\n  x\n")
        let styles = (root.pairs ?? []).compactMap { $0.value.scalar?.style }
        #expect(styles == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded])
    }

    @Test("positions inside a folded block map to their lines")
    func foldedSourceMap() throws {
        let root = try firstDocument("options: >-\n  --a 1\n    --b 2\n  --c 3\n")
        let options = try #require(root.value(forKey: "options"))
        let text = try #require(options.scalar?.text)
        #expect(text == "--a 1\n  --b 2\n--c 3")
        let offset = try #require(text.unicodeScalars.firstIndex(of: "c")).utf16Offset(in: text)
        let location = options.location(atOffset: offset)
        #expect(location.line == 4)
        #expect(location.column == 5)
    }

    @Test("deep nesting is rejected without exhausting the stack", arguments: ["[", "{a: ", "- "])
    func deepNesting(_ opener: String) throws {
        let error = try #require(yamlError(String(repeating: opener, count: 100_000) + "x"))
        #expect(error.message.contains("nested more than 100 levels"))
    }

    @Test("aliases that expand too far are rejected")
    func aliasBomb() throws {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...6 {
            let previous = "*a\(level - 1)"
            yaml += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let error = try #require(yamlError(yaml))
        #expect(error.message.contains("aliases expand"))
    }
}
