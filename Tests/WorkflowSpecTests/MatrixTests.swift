import Testing

@testable import WorkflowSpec

/// Wraps a matrix in a workflow with one job called "test".
private func workflow(matrix: String, services: String = "") -> String {
    let indented = matrix.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }
    return "jobs:\n  test:\n    strategy:\n      matrix:\n" + indented.joined(separator: "\n") + "\n" + services
}

/// Returns every combination of `matrix`, each as "key=value" pairs in order.
private func combinations(_ matrix: String) throws -> [String] {
    let parsed = try Workflow.parse(text: workflow(matrix: matrix), file: "workflow.yml")
    let job = try #require(parsed.root.value(forKey: "jobs")?.value(forKey: "test"))
    let resolver = JobResolver(id: "test", node: job, context: ExpressionContext(), workflowEnv: [])
    let rows = try #require(try resolver.matrixCombinations())
    return rows.map { row in row.entries.map { "\($0.key)=\($0.value.displayText)" }.joined(separator: " ") }
}

/// Returns the error that expanding `matrix` throws, or nil.
private func combinationsError(_ matrix: String) -> WorkflowError? {
    do {
        _ = try combinations(matrix)
        return nil
    } catch let error as WorkflowError {
        return error
    } catch {
        return nil
    }
}

/// Returns the combination a job uses with `overrides`, as "key=value" pairs sorted by key.
private func chosen(_ matrix: String, overrides: [String: String] = [:]) throws -> String {
    let resolved = try #require(
        resolveJob(workflow(matrix: matrix), context: ExpressionContext(matrix: overrides)).value)
    return resolved.job.matrix.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
}

@Suite("Matrix")
struct MatrixTests {
    @Test("the first key varies slowest")
    func productOrder() throws {
        #expect(
            try combinations("os: [linux, mac]\nv: [1, 2]") == [
                "os=linux v=1", "os=linux v=2", "os=mac v=1", "os=mac v=2",
            ])
    }

    @Test("exclude removes partial matches")
    func excludePartial() throws {
        let rows = try combinations("os: [linux, mac]\nv: [1, 2]\nexclude:\n  - os: mac")
        #expect(rows == ["os=linux v=1", "os=linux v=2"])
    }

    @Test("exclude compares like == does")
    func excludeCoercion() throws {
        let rows = try combinations("ruby: [3.1, 3.2]\ngem: [a, b]\nexclude:\n  - ruby: \"3.1\"\n    gem: A")
        #expect(rows == ["ruby=3.1 gem=b", "ruby=3.2 gem=a", "ruby=3.2 gem=b"])
    }

    @Test("include adds keys to matching combinations")
    func includeExtends() throws {
        let rows = try combinations("os: [linux, mac]\nv: [1, 2]\ninclude:\n  - os: linux\n    extra: yes")
        #expect(rows == ["os=linux v=1 extra=yes", "os=linux v=2 extra=yes", "os=mac v=1", "os=mac v=2"])
    }

    @Test("include without matrix keys extends every combination")
    func includeEverywhere() throws {
        let rows = try combinations("v: [1, 2]\ninclude:\n  - flag: on")
        #expect(rows == ["v=1 flag=on", "v=2 flag=on"])
    }

    @Test("include that would overwrite a value adds a combination")
    func includeAppends() throws {
        let rows = try combinations("os: [linux]\nv: [1]\ninclude:\n  - os: linux\n    v: 3\n  - os: windows")
        #expect(rows == ["os=linux v=1", "os=linux v=3", "os=windows"])
    }

    @Test("later includes overwrite added values")
    func includeOverwritesAdded() throws {
        let rows = try combinations("v: [1]\ninclude:\n  - note: first\n  - v: 1\n    note: second")
        #expect(rows == ["v=1 note=second"])
    }

    @Test("an include-only matrix has one combination per entry")
    func includeOnly() throws {
        let rows = try combinations("include:\n  - python: 3.8\n  - python: 3.9\n    extra: x")
        #expect(rows == ["python=3.8", "python=3.9 extra=x"])
    }

    @Test("include with nested values matches leaf by leaf")
    func nestedInclude() throws {
        let rows = try combinations(
            "cfg: [{os: linux, n: 1}, {os: mac, n: 2}]\ninclude:\n  - cfg: {os: mac}\n    hit: y")
        #expect(rows.count == 2)
        #expect(rows[1].hasSuffix("hit=y"))
        #expect(!rows[0].contains("hit"))
    }

    @Test("an exclude key outside the matrix is an error")
    func excludeUnknownKey() throws {
        let error = try #require(combinationsError("v: [1]\nexclude:\n  - w: 1"))
        #expect(error.message.contains("exclude key 'w'"))
        #expect(error.location?.line == 7)
    }

    @Test("an empty vector is an error")
    func emptyVector() throws {
        let error = try #require(combinationsError("v: []"))
        #expect(error.message.contains("'v' does not contain any values"))
    }

    @Test("a vector must be a sequence")
    func scalarVector() throws {
        let error = try #require(combinationsError("v: 1"))
        #expect(error.message.contains("must be a non-empty sequence"))
    }

    @Test("more than 256 combinations are rejected")
    func tooMany() throws {
        let error = try #require(combinationsError("a: [1,2,3,4,5,6,7,8,9]\nb: [1,2,3,4,5,6,7,8,9]\nc: [1,2,3,4]"))
        #expect(error.message.contains("324 combinations"))
    }

    @Test("the job uses the first combination")
    func firstCombination() throws {
        #expect(try chosen("os: [linux, mac]\nv: [1, 2]") == "os=linux v=1")
    }

    @Test("--matrix picks the first matching combination")
    func overrideMatches() throws {
        #expect(try chosen("os: [linux, mac]\nv: [1, 2]", overrides: ["v": "2"]) == "os=linux v=2")
        #expect(try chosen("os: [linux, mac]\nv: [1, 2]", overrides: ["os": "mac", "v": "2"]) == "os=mac v=2")
    }

    @Test("--matrix matches the text written in the file")
    func overrideMatchesWrittenText() throws {
        #expect(try chosen("ruby: [3.1, 4.0]", overrides: ["ruby": "4.0"]) == "ruby=4")
    }

    @Test("--matrix values without a match are laid over the first combination")
    func overrideLaidOver() throws {
        #expect(try chosen("os: [linux, mac]\nv: [1, 2]", overrides: ["v": "9"]) == "os=linux v=9")
    }

    @Test("a value no combination has is a warning")
    func overrideWithoutMatchWarns() throws {
        let resolved = try #require(
            resolveJob(workflow(matrix: "os: [linux, mac]\nv: [1, 2]"), context: ExpressionContext(matrix: ["v": "9"]))
                .value)
        #expect(resolved.diagnostics.contains { $0.message.contains("no combination of the matrix has v=9") })
    }

    @Test("a --matrix key the matrix lacks is an error")
    func overrideUnknownKey() throws {
        let result = resolveJob(
            workflow(matrix: "os: [linux, mac]\nv: [1, 2]"), context: ExpressionContext(matrix: ["vv": "1"]))
        let error = try #require(result.error)
        #expect(error.message == "the matrix of job 'test' has no key 'vv'")
        #expect(error.hint == "Pass --matrix with one of its keys: os, v.")
    }

    @Test("a matrix written as one expression uses --matrix only")
    func expressionMatrix() throws {
        let yaml = "jobs:\n  test:\n    strategy:\n      matrix: ${{ fromJSON(needs.a.outputs.m) }}\n"
        let resolved = try #require(resolveJob(yaml, context: ExpressionContext(matrix: ["v": "1"])).value)
        #expect(resolved.job.matrix == ["v": "1"])
    }

    @Test("a vector written as an expression uses its --matrix value")
    func expressionVector() throws {
        let yaml = workflow(matrix: "v: ${{ fromJSON(needs.a.outputs.v) }}\nos: [linux]")
        #expect(resolveJob(yaml).error?.message.contains("needs context is not available") == true)
        let resolved = try #require(resolveJob(yaml, context: ExpressionContext(matrix: ["v": "7"])).value)
        #expect(resolved.job.matrix == ["v": "7", "os": "linux"])
    }

    @Test("an expression value is kept as text unless a service reads it")
    func deferredValue() throws {
        let matrix = "v: [1]\ninclude:\n  - v: 1\n    coverage: ${{ github.event_name != 'pull_request' }}"
        let unused = try #require(resolveJob(workflow(matrix: matrix)).value)
        #expect(unused.job.matrix["coverage"] == "${{ github.event_name != 'pull_request' }}")

        let services =
            "    services:\n      db:\n        image: postgres\n        env:\n          C: ${{ matrix.coverage }}\n"
        let error = try #require(resolveJob(workflow(matrix: matrix, services: services)).error)
        #expect(error.message.contains("github context is not available"))
        #expect(error.location?.line == 8)
    }

    @Test("a missing matrix key lists the keys")
    func missingKey() throws {
        let services = "    services:\n      db:\n        image: postgres:${{ matrix.version }}\n"
        let error = try #require(resolveJob(workflow(matrix: "os: [linux]\nv: [1]", services: services)).error)
        #expect(error.message.contains("the matrix has no key 'version'; its keys are os, v"))
        #expect(error.hint == "check the name, or pass --matrix version=value")
        #expect(error.location?.line == 9)
        #expect(error.location?.column == 25)
    }

    @Test("a job without a matrix says so")
    func noMatrix() throws {
        let yaml = "jobs:\n  test:\n    services:\n      db:\n        image: ${{ matrix.image }}\n"
        let error = try #require(resolveJob(yaml).error)
        #expect(error.message.contains("this job has no matrix"))
        let resolved = try #require(resolveJob(yaml, context: ExpressionContext(matrix: ["image": "redis"])).value)
        #expect(resolved.job.services.first?.image == "redis")
    }

    @Test("unused --matrix key without a matrix")
    func unusedOverrideWithoutMatrix() throws {
        let yaml = "jobs:\n  test:\n    services:\n      db:\n        image: redis\n"

        let error = try #require(resolveJob(yaml, context: ExpressionContext(matrix: ["foo": "bar"])).error)

        #expect(error.message == "job 'test' has no matrix and does not use matrix.foo")
        #expect(error.hint == "leave out --matrix foo=…, or check the job name")
    }

    @Test("values of the chosen combination that GitHub changes get diagnostics")
    func rowDiagnostics() throws {
        let resolved = try #require(resolveJob(workflow(matrix: "ruby: [3.10, 3.2]")).value)
        #expect(resolved.job.matrix["ruby"] == "3.1")
        #expect(
            resolved.diagnostics.map(\.message) == [
                #"3.10 is read as the number 3.1, as GitHub Actions does; quote it to keep "3.10""#
            ])
        #expect(resolved.diagnostics.first?.location.line == 5)
    }
}
