import Testing

@testable import WorkflowSpec

struct TypingCase: Sendable {
    /// The value as written after `key: `.
    let written: String
    /// The text GitHub Actions passes on.
    let text: String
    let kind: String
}

extension TypingCase: CustomTestStringConvertible {
    var testDescription: String { written }
}

@Suite("Scalar typing")
struct ScalarTypingTests {
    private func kindName(_ typed: TypedScalar) -> String {
        switch typed {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        }
    }

    static let cases: [TypingCase] = [
        TypingCase(written: "yes", text: "yes", kind: "string"),
        TypingCase(written: "Y", text: "Y", kind: "string"),
        TypingCase(written: "on", text: "on", kind: "string"),
        TypingCase(written: "off", text: "off", kind: "string"),
        TypingCase(written: "true", text: "true", kind: "boolean"),
        TypingCase(written: "True", text: "true", kind: "boolean"),
        TypingCase(written: "FALSE", text: "false", kind: "boolean"),
        TypingCase(written: "5432", text: "5432", kind: "number"),
        TypingCase(written: "-1", text: "-1", kind: "number"),
        TypingCase(written: "+5", text: "5", kind: "number"),
        TypingCase(written: "010", text: "10", kind: "number"),
        TypingCase(written: "3.10", text: "3.1", kind: "number"),
        TypingCase(written: "4.0", text: "4", kind: "number"),
        TypingCase(written: "1.", text: "1", kind: "number"),
        TypingCase(written: ".5", text: "0.5", kind: "number"),
        TypingCase(written: "1e3", text: "1000", kind: "number"),
        TypingCase(written: "1.0e+20", text: "1E+20", kind: "number"),
        TypingCase(written: "0.00001", text: "1E-05", kind: "number"),
        TypingCase(written: "0.0001", text: "0.0001", kind: "number"),
        TypingCase(written: "123456789012345678", text: "1.23456789012346E+17", kind: "number"),
        TypingCase(written: "0x1F", text: "31", kind: "number"),
        TypingCase(written: "0xFFFFFFFF", text: "-1", kind: "number"),
        TypingCase(written: "0o17", text: "15", kind: "number"),
        TypingCase(written: ".inf", text: "Infinity", kind: "number"),
        TypingCase(written: "-.Inf", text: "-Infinity", kind: "number"),
        TypingCase(written: ".nan", text: "NaN", kind: "number"),
        TypingCase(written: "~", text: "", kind: "null"),
        TypingCase(written: "null", text: "", kind: "null"),
        TypingCase(written: "", text: "", kind: "null"),
        TypingCase(written: "\"3.10\"", text: "3.10", kind: "string"),
        TypingCase(written: "'true'", text: "true", kind: "string"),
        TypingCase(written: "\"~\"", text: "~", kind: "string"),
        TypingCase(written: "1_000", text: "1_000", kind: "string"),
        TypingCase(written: "12:30", text: "12:30", kind: "string"),
        TypingCase(written: "0X1F", text: "0X1F", kind: "string"),
        TypingCase(written: "-0x1F", text: "-0x1F", kind: "string"),
        TypingCase(written: "1e", text: "1e", kind: "string"),
        TypingCase(written: "!!str 5", text: "5", kind: "string"),
        TypingCase(written: "!!int 7", text: "7", kind: "number"),
    ]

    @Test("values are typed like GitHub Actions types them", arguments: cases)
    func typing(_ testCase: TypingCase) throws {
        let node = try #require(try firstDocument("key: \(testCase.written)").value(forKey: "key"))
        let scalar = try #require(node.scalar)
        let typed = try YAMLScalarTyping.resolve(scalar, at: node.location)
        #expect(typed.tokenText == testCase.text)
        #expect(kindName(typed) == testCase.kind)
    }

    @Test("a changed number gets a diagnostic at the scalar")
    func numberDiagnostic() throws {
        let node = try #require(try firstDocument("ruby:\n  - 3.10\n").value(forKey: "ruby")?.items?.first)
        let scalar = try #require(node.scalar)
        let typed = try YAMLScalarTyping.resolve(scalar, at: node.location)
        let diagnostic = try #require(YAMLScalarTyping.diagnostic(for: scalar, typed: typed, at: node.location))
        #expect(
            diagnostic.message == #"3.10 is read as the number 3.1, as GitHub Actions does; quote it to keep "3.10""#)
        #expect(diagnostic.location.line == 2)
        #expect(diagnostic.location.column == 5)
    }

    @Test(
        "unchanged and quoted values get no diagnostic", arguments: ["5432", "3.1", "true", "yes", "'4.0'", "\"True\""])
    func noDiagnostic(_ written: String) throws {
        let node = try #require(try firstDocument("key: \(written)").value(forKey: "key"))
        let scalar = try #require(node.scalar)
        let typed = try YAMLScalarTyping.resolve(scalar, at: node.location)
        #expect(YAMLScalarTyping.diagnostic(for: scalar, typed: typed, at: node.location) == nil)
    }

    @Test("booleans and null with other spellings get a diagnostic")
    func otherDiagnostics() throws {
        let root = try firstDocument("a: True\nb: ~\n")
        for pair in root.pairs ?? [] {
            let scalar = try #require(pair.value.scalar)
            let typed = try YAMLScalarTyping.resolve(scalar, at: pair.value.location)
            #expect(YAMLScalarTyping.diagnostic(for: scalar, typed: typed, at: pair.value.location) != nil)
        }
    }

    @Test("hex numbers beyond 32 bits are rejected")
    func hexOverflow() throws {
        let node = try #require(try firstDocument("key: 0x100000000").value(forKey: "key"))
        let scalar = try #require(node.scalar)
        #expect(throws: WorkflowError.self) { try YAMLScalarTyping.resolve(scalar, at: node.location) }
    }

    @Test("a tag that does not fit the value is rejected at parse time")
    func tagMismatch() throws {
        let error = try #require(yamlError("key: !!int abc"))
        #expect(error.message.contains("not valid for the tag"))
    }

    @Test(
        "numbers print in G15 form",
        arguments: [
            (0.1 + 0.2, "0.3"), (1.0 / 3.0, "0.333333333333333"), (100, "100"), (1e15, "1E+15"),
            (123_456_789_012_345, "123456789012345"), (-2.5, "-2.5"), (2.5e-7, "2.5E-07"), (1e100, "1E+100"),
            (-0.0, "-0"),
        ])
    func g15(_ value: Double, _ expected: String) {
        #expect(NumberFormatting.g15(value) == expected)
    }
}
