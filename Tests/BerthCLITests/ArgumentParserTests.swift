import Testing

@testable import BerthCLI

@Suite("Argument parsing")
struct ArgumentParserTests {
    let options: [OptionSpec] = [
        .option("--session", value: "ID", help: ""),
        .option("--env", short: "-e", value: "NAME=VALUE", repeatable: true, help: ""),
        .flag("--dry-run", help: ""),
    ]

    @Test("values, flags and the trailing command")
    func mixedArguments() throws {
        let parsed = try ArgumentParser.parse(
            ["--session=s1", "-e", "A=1", "--dry-run", "--env", "B=2", "--", "psql", "--version"], options: options,
            command: "run")

        #expect(parsed.value("--session") == "s1")
        #expect(parsed.values("--env") == ["A=1", "B=2"])
        #expect(parsed.flag("--dry-run"))
        #expect(parsed.trailing == ["psql", "--version"])
    }

    @Test("an unknown option is a usage error naming it")
    func unknownOption() {
        #expect(throws: UsageError.self) {
            try ArgumentParser.parse(["--sesion", "x"], options: options, command: "up")
        }
    }

    @Test("a missing value is a usage error")
    func missingValue() {
        #expect(throws: UsageError.self) {
            try ArgumentParser.parse(["--session"], options: options, command: "up")
        }
    }

    @Test("a single-use option given twice is a usage error")
    func repeatedOption() {
        #expect(throws: UsageError.self) {
            try ArgumentParser.parse(["--session", "a", "--session", "b"], options: options, command: "up")
        }
    }

    @Test("a flag given a value is a usage error")
    func flagWithValue() {
        let error = #expect(throws: UsageError.self) {
            try ArgumentParser.parse(["--dry-run=yes"], options: options, command: "up")
        }
        #expect(error?.message == "option '--dry-run' takes no value")
    }

    @Test("positionals, a lone dash and option-like values")
    func positionals() throws {
        let parsed = try ArgumentParser.parse(
            ["first", "-", "--session", "--not-an-option", "--env=A=1=2"], options: options, command: "up")

        #expect(parsed.positionals == ["first", "-"])
        #expect(parsed.value("--session") == "--not-an-option")
        #expect(parsed.values("--env") == ["A=1=2"])
        #expect(parsed.trailing == nil)
    }

    @Test("an empty trailing command after --")
    func emptyTrailing() throws {
        let parsed = try ArgumentParser.parse(["--dry-run", "--"], options: options, command: "run")

        #expect(parsed.trailing == [])
        #expect(parsed.flag("--dry-run"))
    }

    @Test("KEY=VALUE splits at the first equals sign")
    func keyValue() throws {
        let (key, value) = try ArgumentParser.keyValue("URL=http://x/?a=b", option: "--var", command: "up")

        #expect(key == "URL")
        #expect(value == "http://x/?a=b")
    }

    @Test("KEY=VALUE without a key or equals sign is a usage error", arguments: ["novalue", "=value", ""])
    func keyValueInvalid(_ text: String) {
        let error = #expect(throws: UsageError.self) {
            try ArgumentParser.keyValue(text, option: "--var", command: "up")
        }
        #expect(error?.message == "option '--var' expects KEY=VALUE, got '\(text)'")
    }
}
