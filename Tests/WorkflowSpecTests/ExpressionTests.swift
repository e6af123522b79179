import Testing

@testable import WorkflowSpec

struct ExpressionCase: Sendable {
    let template: String
    let expected: String
    var matrix: [String: String] = [:]
}

extension ExpressionCase: CustomTestStringConvertible {
    var testDescription: String { template }
}

@Suite("Expressions")
struct ExpressionTests {
    static let elasticsearch = "docker.elastic.co/elasticsearch/elasticsearch:7.17.29"
    static let mastodonImage =
        "${{ contains(matrix.search-image, 'elasticsearch') && matrix.search-image || '' }}"

    static let cases: [ExpressionCase] = [
        ExpressionCase(template: mastodonImage, expected: elasticsearch, matrix: ["search-image": elasticsearch]),
        ExpressionCase(
            template: mastodonImage, expected: "", matrix: ["search-image": "opensearchproject/opensearch:2"]),
        ExpressionCase(template: "${{ matrix['search-image'] }}", expected: "x", matrix: ["search-image": "x"]),
        ExpressionCase(template: "${{ matrix.NAME }}", expected: "v", matrix: ["name": "v"]),
        ExpressionCase(template: "db-${{ matrix.v }}:${{ matrix.v }}", expected: "db-8.0:8.0", matrix: ["v": "8.0"]),
        ExpressionCase(template: "no expression", expected: "no expression"),
        ExpressionCase(template: "${{ format('{0}-{1}', 'a', 1) }}", expected: "a-1"),
        ExpressionCase(template: "${{ format('{{0}} {0}', 'x') }}", expected: "{0} x"),
        ExpressionCase(template: "${{ format('{0}{0}', 3.10) }}", expected: "3.13.1"),
        ExpressionCase(template: "${{ contains('Hello', 'ELL') }}", expected: "true"),
        ExpressionCase(template: "${{ contains(fromJSON('[1, 2]'), '2') }}", expected: "true"),
        ExpressionCase(template: "${{ contains(fromJSON('[\"a\"]'), 'A') }}", expected: "true"),
        ExpressionCase(template: "${{ contains(fromJSON('{\"a\": 1}'), 'a') }}", expected: "false"),
        ExpressionCase(template: "${{ startsWith('Hello', 'he') }}", expected: "true"),
        ExpressionCase(template: "${{ endsWith('Hello', 'LO') }}", expected: "true"),
        ExpressionCase(template: "${{ 'abc' == 'ABC' }}", expected: "true"),
        ExpressionCase(template: "${{ 1 == '1' }}", expected: "true"),
        ExpressionCase(template: "${{ '' == 0 }}", expected: "true"),
        ExpressionCase(template: "${{ null == 0 }}", expected: "true"),
        ExpressionCase(template: "${{ true == 1 }}", expected: "true"),
        ExpressionCase(template: "${{ 'a' != 'b' }}", expected: "true"),
        ExpressionCase(template: "${{ 3.10 == 3.1 }}", expected: "true"),
        ExpressionCase(template: "${{ 0x10 == 16 }}", expected: "true"),
        ExpressionCase(template: "${{ NaN == NaN }}", expected: "false"),
        ExpressionCase(template: "${{ 1 < 2 && 'b' > 'A' && 2 >= 2 && 1 <= 0 }}", expected: "false"),
        ExpressionCase(template: "${{ (1 == 1) && !(2 < 1) }}", expected: "true"),
        ExpressionCase(template: "${{ 0 || 'fallback' }}", expected: "fallback"),
        ExpressionCase(template: "${{ 'a' || 'b' }}", expected: "a"),
        ExpressionCase(template: "${{ '' && 'b' }}", expected: ""),
        ExpressionCase(template: "${{ 1 && 2 }}", expected: "2"),
        ExpressionCase(template: "${{ !'' }}", expected: "true"),
        ExpressionCase(template: "${{ !'0' }}", expected: "false"),
        ExpressionCase(template: "${{ null }}", expected: ""),
        ExpressionCase(template: "${{ -0 }}", expected: "0"),
        ExpressionCase(template: "${{ 'it''s' }}", expected: "it's"),
        ExpressionCase(template: "${{ '}}' }}", expected: "}}"),
        ExpressionCase(template: "${{ join(fromJSON('[1, 2, 3]'), '-') }}", expected: "1-2-3"),
        ExpressionCase(template: "${{ join(fromJSON('[1, 2]')) }}", expected: "1,2"),
        ExpressionCase(template: "${{ join('x') }}", expected: "x"),
        ExpressionCase(template: "${{ fromJSON('{\"a\": {\"b\": [5]}}').a.b[0] }}", expected: "5"),
        ExpressionCase(template: "${{ fromJSON('[1]') }}", expected: "Array"),
        ExpressionCase(template: "${{ toJSON('a\"b') }}", expected: "\"a\\\"b\""),
        ExpressionCase(
            template: "${{ toJSON(fromJSON('{\"a\": [1, true, null], \"b\": {}}')) }}",
            expected: """
                {
                  "a": [
                    1,
                    true,
                    null
                  ],
                  "b": {}
                }
                """),
    ]

    @Test("templates evaluate like GitHub Actions", arguments: cases)
    func evaluate(_ testCase: ExpressionCase) {
        let result = evaluateTemplate(testCase.template, source: matrixContext(testCase.matrix))
        #expect(result.value?.stringValue == testCase.expected, "\(String(describing: result.error))")
    }

    @Test("a single expression keeps its type")
    func wholeExpressionType() {
        #expect(evaluateTemplate("${{ 1 }}", source: FixedContexts([:])).value == .number(1))
        #expect(evaluateTemplate(" ${{ 1 }}", source: FixedContexts([:])).value == .string(" 1"))
    }

    static let errorCases: [(String, String)] = [
        ("${{ github.ref }}", "unrecognized named-value 'github'"),
        ("${{ 1 + 2 }}", "unexpected symbol '+'"),
        ("${{ 'open }}", "is not closed"),
        ("${{ contains('a') }}", "contains() takes 2 arguments but 1 were given"),
        ("${{ nope(1) }}", "unrecognized function 'nope'"),
        ("${{ hashFiles('x') }}", "needs a running job"),
        ("${{ format('{0} {1}', 'a') }}", "refers to more arguments"),
        ("${{ format('{x}') }}", "is invalid"),
        ("${{ fromJSON('{') }}", "fromJSON could not parse"),
        ("${{ fromJSON('[1,]') }}", "fromJSON could not parse"),
        ("${{ matrix.* }}", "object filters"),
        ("${{ }}", "the expression is empty"),
        ("${{ (1 }}", "unexpected end of expression"),
        ("${{ 1 ==", "is not closed"),
    ]

    @Test("invalid expressions name the expression", arguments: errorCases)
    func errors(_ template: String, _ message: String) throws {
        let error = try #require(evaluateTemplate(template, source: matrixContext([:])).error)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.location?.line == 1)
        #expect(error.hint?.isEmpty == false)
    }

    @Test("an unterminated string literal is rejected")
    func unterminatedString() {
        #expect(throws: ExpressionFailure.self) {
            try ExpressionParser.parse("'open") { (_: String) throws(ExpressionFailure) in }
        }
    }

    @Test("an error names the expression text")
    func errorNamesExpression() throws {
        let error = try #require(evaluateTemplate("x ${{ github.ref }}", source: matrixContext([:])).error)
        #expect(error.message.hasPrefix("in '${{ github.ref }}': "))
        #expect(error.location?.column == 3)
    }

    @Test("&& stops before evaluating its right side")
    func shortCircuit() {
        let result = evaluateTemplate("${{ false && fromJSON('{') }}", source: FixedContexts([:]))
        #expect(result.value == .bool(false))
    }

    @Test("expressions nested too deeply are rejected")
    func depthLimit() throws {
        let deep = String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60)
        let error = try #require(evaluateTemplate("${{ \(deep) }}", source: FixedContexts([:])).error)
        #expect(error.message.contains("nested more than"))
        let negations = String(repeating: "!", count: 100_000) + "true"
        let negationError = try #require(evaluateTemplate("${{ \(negations) }}", source: FixedContexts([:])).error)
        #expect(negationError.message.contains("nested more than"))
    }

    @Test("strings compare ordinally without regard to case")
    func stringOrdering() {
        #expect(ExpressionValue.string("b").isGreater(than: .string("A")))
        #expect(ExpressionValue.string("a").isLess(than: .string("B")))
        #expect(!ExpressionValue.string("a").isLess(than: .string("A")))
    }

    @Test(
        "strings convert to numbers like GitHub",
        arguments: [
            ("", 0.0), (" 42 ", 42), ("0x1F", 31), ("0o17", 15), ("1e3", 1000), ("-Infinity", -Double.infinity),
        ])
    func parseNumber(_ text: String, _ expected: Double) {
        #expect(ExpressionValue.parseNumber(text) == expected)
    }

    @Test("text that is not a number converts to NaN", arguments: ["abc", "1,5", "0x", "--1"])
    func notANumber(_ text: String) {
        #expect(ExpressionValue.parseNumber(text).isNaN)
    }
}
