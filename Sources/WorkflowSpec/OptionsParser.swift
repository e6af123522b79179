/// Turns an `options:` string into typed container settings.
///
/// The string is split with `ShellWords`, as GitHub's runner splits it, and each flag is read the way
/// the docker CLI (pflag) reads it: `--flag value`, `--flag=value`, `-e value`, `-evalue` or `-e=value`.
/// A flag that needs a value takes the next word even when it starts with `-`, as docker does.
public enum OptionsParser {
    /// Parses `text`; every error is located at `location`.
    public static func parse(_ text: String, location: SourceLocation?) throws(WorkflowError) -> ContainerOptions {
        try parse(text) { _ in location }
    }

    /// Parses `text`; `locate` turns an offset in `text` (in Unicode scalars) into a file position, so
    /// errors point at the offending word.
    static func parse(
        _ text: String, locate: @escaping (Int) -> SourceLocation?
    ) throws(WorkflowError) -> ContainerOptions {
        let words: [ShellWords.Word]
        do {
            words = try ShellWords.words(in: text)
        } catch {
            throw WorkflowError(
                location: locate(error.offset), message: "unterminated double quote in the options",
                hint: ShellWords.UnterminatedQuote.hint)
        }
        do {
            return try apply(words, locate: locate)
        } catch {
            throw explainingSingleQuotes(error, in: text)
        }
    }

    private static func apply(
        _ words: [ShellWords.Word], locate: @escaping (Int) -> SourceLocation?
    ) throws(WorkflowError) -> ContainerOptions {
        var reader = OptionsReader(locate: locate)
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            let (flag, inlineValue, valueOffset) = try reader.identify(word)
            if flag.isBoolean {
                try reader.applyBoolean(flag, inlineValue, at: valueOffset ?? word.offset)
                continue
            }
            if let inlineValue, let valueOffset {
                try reader.apply(flag, inlineValue, at: valueOffset)
                continue
            }
            guard index < words.count else {
                throw WorkflowError(
                    location: locate(word.offset), message: "the flag '\(word.text)' needs a value",
                    hint: "write \(flag.longName) followed by \(flag.expectedValue)")
            }
            try reader.apply(flag, words[index].text, at: words[index].offset)
            index += 1
        }
        return try reader.finish()
    }

    /// Adds the likely cause to an error in options that use single quotes, which group words in a
    /// shell but not in GitHub's runner.
    private static func explainingSingleQuotes(_ error: WorkflowError, in text: String) -> WorkflowError {
        guard text.contains("'"), error.hint?.contains("single quotes") != true else { return error }
        var explained = error
        let note =
            "single quotes do not group words in options, because GitHub's runner splits them with .NET's rules; "
            + "use double quotes"
        explained.hint = [note, error.hint].compactMap { $0 }.joined(separator: "; ")
        return explained
    }
}

/// The state of one `options:` string while its flags are applied.
struct OptionsReader {
    let locate: (Int) -> SourceLocation?
    var options = ContainerOptions()
    var health = HealthCheck()
    var healthFlagOffset: Int?
    var noHealthcheckOffset: Int?

    init(locate: @escaping (Int) -> SourceLocation?) {
        self.locate = locate
    }

    // MARK: - Flags

    /// Finds the flag a word names, with the value written in the same word (`--flag=value`, `-evalue`)
    /// and that value's offset.
    func identify(_ word: ShellWords.Word) throws(WorkflowError) -> (OptionFlag, String?, Int?) {
        let text = word.text
        guard text.hasPrefix("-"), text != "-", text != "--" else { throw strayWord(word) }
        if text.hasPrefix("--") {
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard let flag = OptionFlag.byName[name], flag.shortName != name else { throw unknownFlag(name, word) }
            guard parts.count == 2 else { return (flag, nil, nil) }
            return (flag, String(parts[1]), word.offset + name.unicodeScalars.count + 1)
        }
        let short = String(text.prefix(2))
        guard let flag = OptionFlag.byName[short], flag.shortName == short else {
            throw WorkflowError(
                location: locate(word.offset), message: "unknown shorthand flag '\(short)' in '\(text)'",
                hint: "Berth supports the shorthands -e, -v, -p, -u, -l, -w, -m and -h; write other flags with --")
        }
        var rest = text.dropFirst(2)
        var consumed = 2
        if rest.hasPrefix("=") {
            rest = rest.dropFirst()
            consumed += 1
        }
        return rest.isEmpty ? (flag, nil, nil) : (flag, String(rest), word.offset + consumed)
    }

    mutating func applyBoolean(_ flag: OptionFlag, _ text: String?, at offset: Int) throws(WorkflowError) {
        let value: Bool
        if let text {
            guard let parsed = Self.parseBool(text) else { throw invalid(flag, text, at: offset) }
            value = parsed
        } else {
            value = true
        }
        switch flag {
        case .noHealthcheck: noHealthcheckOffset = value ? offset : nil
        case .privileged: options.privileged = value
        case .initProcess: options.initProcess = value
        case .readOnly: options.readOnlyRootfs = value
        default: break
        }
    }

    /// `strconv.ParseBool`: 1, t, T, TRUE, true, True and their false forms.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }

    mutating func apply(_ flag: OptionFlag, _ value: String, at offset: Int) throws(WorkflowError) {
        switch flag {
        case .healthCmd, .healthInterval, .healthTimeout, .healthRetries, .healthStartPeriod, .healthStartInterval:
            try applyHealth(flag, value, at: offset)
        case .entrypoint: options.entrypoint = value
        case .user: options.user = value
        case .hostname: options.hostname = value
        case .name: options.name = value
        case .workdir: options.workingDir = value
        case .stopSignal: options.stopSignal = value
        case .networkAlias: options.networkAliases.append(value)
        case .capAdd: options.capAdd.append(value)
        case .capDrop: options.capDrop.append(value)
        case .securityOpt: options.securityOptions.append(value)
        case .env: try applyEnv(value, at: offset)
        case .volume: try applyVolume(value, at: offset)
        case .tmpfs: try applyTmpfs(value, at: offset)
        case .label: try applyLabel(value, at: offset)
        case .sysctl: try applySysctl(value, at: offset)
        default: try applyTyped(flag, value, at: offset)
        }
    }

    private mutating func applyTyped(_ flag: OptionFlag, _ value: String, at offset: Int) throws(WorkflowError) {
        switch flag {
        case .shmSize:
            options.shmSize = try require(ByteSize.parse(value), flag, value, at: offset)
        case .memory:
            options.memory = try require(ByteSize.parse(value), flag, value, at: offset)
        case .cpus:
            options.nanoCPUs = try require(OptionValues.nanoCPUs(value), flag, value, at: offset)
        case .stopTimeout:
            options.stopTimeout = try require(Int(value), flag, value, at: offset)
        case .ulimit:
            options.ulimits.append(try require(OptionValues.ulimit(value), flag, value, at: offset))
        case .restart:
            options.restart = try require(OptionValues.restartPolicy(value), flag, value, at: offset)
        case .mount:
            options.mounts.append(try require(OptionValues.mount(value), flag, value, at: offset))
        case .addHost:
            options.extraHosts.append(try require(OptionValues.extraHost(value), flag, value, at: offset))
        case .publish:
            options.publish += try PortSpec.parse(value, location: locate(offset))
        default:
            break
        }
    }

    private mutating func applyHealth(_ flag: OptionFlag, _ value: String, at offset: Int) throws(WorkflowError) {
        healthFlagOffset = healthFlagOffset ?? offset
        if flag == .healthCmd {
            health.test = value.isEmpty ? [] : ["CMD-SHELL", value]
            return
        }
        if flag == .healthRetries {
            let retries = try require(Int(value), flag, value, at: offset)
            guard retries >= 0 else { throw negative(flag, at: offset) }
            health.retries = retries
            return
        }
        let duration = try require(GoDuration.parse(value), flag, value, at: offset)
        guard duration >= 0 else { throw negative(flag, at: offset) }
        switch flag {
        case .healthInterval: health.interval = duration
        case .healthTimeout: health.timeout = duration
        case .healthStartPeriod: health.startPeriod = duration
        default: health.startInterval = duration
        }
    }

    private mutating func applyEnv(_ value: String, at offset: Int) throws(WorkflowError) {
        guard !value.isEmpty, !value.hasPrefix("=") else {
            throw invalid(.env, value, at: offset, expected: "NAME=value or NAME")
        }
        options.env.append(value)
    }

    private mutating func applyVolume(_ value: String, at offset: Int) throws(WorkflowError) {
        guard !value.isEmpty else {
            throw invalid(.volume, value, at: offset, expected: "source:target[:mode] or target")
        }
        options.binds.append(value)
    }

    private mutating func applyTmpfs(_ value: String, at offset: Int) throws(WorkflowError) {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let path = parts.first, path.hasPrefix("/") else { throw invalid(.tmpfs, value, at: offset) }
        options.tmpfs[String(path)] = parts.count > 1 ? String(parts[1]) : ""
    }

    private mutating func applyLabel(_ value: String, at offset: Int) throws(WorkflowError) {
        let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let key = parts.first, !key.isEmpty else { throw invalid(.label, value, at: offset) }
        options.labels[String(key)] = parts.count > 1 ? String(parts[1]) : ""
    }

    private mutating func applySysctl(_ value: String, at offset: Int) throws(WorkflowError) {
        let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { throw invalid(.sysctl, value, at: offset) }
        options.sysctls[String(parts[0])] = String(parts[1])
    }

    /// Combines the health flags; `--no-healthcheck` cannot be mixed with them, as in docker.
    mutating func finish() throws(WorkflowError) -> ContainerOptions {
        if let noHealthcheckOffset {
            guard healthFlagOffset == nil else {
                throw WorkflowError(
                    location: locate(noHealthcheckOffset),
                    message: "--no-healthcheck conflicts with --health-* options",
                    hint: "remove --no-healthcheck or the --health-* flags")
            }
            options.healthCheck = HealthCheck(test: ["NONE"])
        } else if healthFlagOffset != nil {
            options.healthCheck = health
        }
        return options
    }

    // MARK: - Errors

    private func require<Value>(_ value: Value?, _ flag: OptionFlag, _ text: String, at offset: Int)
        throws(WorkflowError) -> Value
    {
        guard let value else { throw invalid(flag, text, at: offset) }
        return value
    }

    func invalid(_ flag: OptionFlag, _ value: String, at offset: Int, expected: String? = nil) -> WorkflowError {
        var hint = "\(flag.longName) takes \(expected ?? flag.expectedValue)"
        if value.contains("\n") {
            hint +=
                "; the value contains a line break because GitHub's runner keeps line breaks inside options, "
                + "so write the options on one line or in a folded block (>-)"
        }
        return WorkflowError(
            location: locate(offset), message: "invalid value '\(value)' for \(flag.longName)", hint: hint)
    }

    private func negative(_ flag: OptionFlag, at offset: Int) -> WorkflowError {
        WorkflowError(
            location: locate(offset), message: "\(flag.longName) cannot be negative",
            hint: "\(flag.longName) takes \(flag.expectedValue)")
    }

    private func strayWord(_ word: ShellWords.Word) -> WorkflowError {
        var hint =
            "options may contain only flags: GitHub passes them to docker create before the image, "
            + "so docker would read '\(word.text)' as the image name"
        if word.text.contains("\n") {
            hint =
                "the word contains a line break, which GitHub's runner keeps inside options; "
                + "use a folded block (>-) so that lines join with spaces"
        }
        return WorkflowError(
            location: locate(word.offset), message: "unexpected word '\(word.text)' in the options", hint: hint)
    }

    private func unknownFlag(_ name: String, _ word: ShellWords.Word) -> WorkflowError {
        let supported = OptionFlag.allCases.map(\.longName)
        if OptionFlag.dockerOnly.contains(name) {
            return WorkflowError(
                location: locate(word.offset), message: "the docker flag '\(name)' is not supported by Berth",
                hint: "remove it; Berth supports \(supported.joined(separator: ", "))")
        }
        var hint = "check the spelling; Berth supports \(supported.joined(separator: ", "))"
        if let suggestion = OptionValues.closest(to: name, among: supported) {
            hint = "did you mean '\(suggestion)'? Berth supports \(supported.joined(separator: ", "))"
        }
        return WorkflowError(location: locate(word.offset), message: "unknown option flag '\(name)'", hint: hint)
    }
}
