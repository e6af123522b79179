/// Parsers for the structured values of `options:` flags, following the docker CLI.
enum OptionValues {
    /// Parses `--cpus` as an exact decimal: "1.5" is 1_500_000_000; more than nine decimal places is rejected
    /// ("value is too precise" in docker).
    static func nanoCPUs(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        var fraction = parts.count > 1 ? Substring(parts[1]) : ""
        guard !(whole.isEmpty && fraction.isEmpty), whole.allSatisfy(\.isASCIIDigit),
            fraction.allSatisfy(\.isASCIIDigit)
        else { return nil }
        while fraction.count > 9 && fraction.hasSuffix("0") {
            fraction = fraction.dropLast()
        }
        guard fraction.count <= 9 else { return nil }
        let padded = fraction + String(repeating: "0", count: 9 - fraction.count)
        guard let wholeValue = whole.isEmpty ? 0 : Int64(whole), let fractionValue = Int64(padded) else { return nil }
        let (scaled, overflow) = wholeValue.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        return scaled + fractionValue
    }

    /// Resource names go-units accepts in `--ulimit`.
    static let ulimitNames: Set<String> = [
        "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss",
        "rtprio", "rttime", "sigpending", "stack",
    ]

    /// Parses `name=soft[:hard]`. The hard limit defaults to the soft one and may not be lower.
    static func ulimit(_ text: String) -> UlimitSpec? {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, ulimitNames.contains(String(parts[0])) else { return nil }
        let limits = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard limits.count <= 2, let soft = Int64(limits[0]) else { return nil }
        let hard = limits.count == 2 ? Int64(limits[1]) : soft
        guard let hard, soft <= hard || hard < 0 else { return nil }
        return UlimitSpec(name: String(parts[0]), soft: soft, hard: hard)
    }

    /// Parses `no`, `always`, `unless-stopped` or `on-failure[:max-retries]`.
    static func restartPolicy(_ text: String) -> RestartPolicySpec? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard ["no", "always", "unless-stopped", "on-failure"].contains(name) else { return nil }
        guard parts.count == 2 else { return RestartPolicySpec(name: name) }
        guard name == "on-failure", let count = Int(parts[1]), count >= 0 else { return nil }
        return RestartPolicySpec(name: name, maximumRetryCount: count)
    }

    /// Parses `host:address` or `host=address`, normalized to `host:address`. The address is an IP address
    /// (IPv6 optionally in brackets) or `host-gateway`.
    static func extraHost(_ text: String) -> String? {
        let separator: Character = text.contains("=") ? "=" : ":"
        let parts = text.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        var address = String(parts[1])
        if address.hasPrefix("[") && address.hasSuffix("]") {
            address = String(address.dropFirst().dropLast())
        }
        guard address == "host-gateway" || PortSpec.isIPAddress(address) else { return nil }
        return "\(parts[0]):\(address)"
    }

    /// Parses `--mount` fields, comma-separated as CSV (a field may be double-quoted). Keys ignore case.
    static func mount(_ text: String) -> MountSpec? {
        guard let fields = csvFields(text) else { return nil }
        var mount = MountSpec(type: "volume", source: nil, target: "")
        for field in fields {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            let applied =
                parts.count == 2 ? apply(key, String(parts[1]), to: &mount) : applyBareField(key, to: &mount)
            guard applied else { return nil }
        }

        let knownType = ["bind", "volume", "tmpfs", "npipe", "image"].contains(mount.type)
        guard knownType, !mount.target.isEmpty else { return nil }
        guard mount.type != "bind" || !(mount.source ?? "").isEmpty else { return nil }
        return mount
    }

    /// Applies a `key=value` field of `--mount`; returns false for an invalid value.
    private static func apply(_ key: String, _ value: String, to mount: inout MountSpec) -> Bool {
        switch key {
        case "type": mount.type = value
        case "source", "src": mount.source = value
        case "target", "destination", "dst": mount.target = value
        case "readonly", "ro":
            guard let flag = OptionsReader.parseBool(value) else { return false }
            mount.readOnly = flag
        case "volume-opt":
            let option = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard option.count == 2 else { return false }
            mount.options["volume-opt.\(option[0])"] = String(option[1])
        default:
            mount.options[key] = value
        }
        return true
    }

    /// Applies a field written without a value, which docker allows only for boolean fields.
    private static func applyBareField(_ key: String, to mount: inout MountSpec) -> Bool {
        switch key {
        case "readonly", "ro": mount.readOnly = true
        case "volume-nocopy", "bind-nonrecursive": mount.options[key] = "true"
        default: return false
        }
        return true
    }

    /// Splits one CSV record: commas separate fields, double quotes group them and `""` is a quote.
    private static func csvFields(_ text: String) -> [String]? {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if character == "\"" {
                if quoted && characters.first == "\"" {
                    field.append("\"")
                    characters = characters.dropFirst()
                } else {
                    quoted.toggle()
                }
            } else if character == "," && !quoted {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }

    /// Returns the candidate closest to `name` by edit distance, when it is close enough to be a typo.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(name, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 4) else { return nil }
        return best.0
    }

    private static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left)
        let b = Array(right)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
