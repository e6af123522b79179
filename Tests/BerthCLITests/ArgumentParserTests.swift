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
}
