/// Parses durations as Go's `time.ParseDuration` does, which is how the docker CLI reads `--health-interval`.
public enum GoDuration {
    /// Nanoseconds for `text`, or nil when it is not a Go duration or overflows Int64.
    ///
    /// A duration is an optional sign and one or more decimal numbers, each with a unit: `ns`, `us` (or
    /// `µs`), `ms`, `s`, `m`, `h`. Examples: "10s", "1m30s", "500ms", "2.5s", "1h". A bare "0" is zero;
    /// any other number needs a unit.
    public static func parse(_ text: String) -> Int64? {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if String(scalars) == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        var total: UInt64 = 0
        while !scalars.isEmpty {
            guard let component = parseComponent(&scalars) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(component)
            guard !overflow else { return nil }
            total = sum
        }
        let magnitudeLimit = UInt64(Int64.max) + (negative ? 1 : 0)
        guard total <= magnitudeLimit else { return nil }
        if negative && total == magnitudeLimit {
            return Int64.min
        }
        return negative ? -Int64(total) : Int64(total)
    }

    private static let units: [(name: String, nanoseconds: UInt64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("μs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// Parses one `number unit` component and returns its nanoseconds.
    private static func parseComponent(_ scalars: inout Substring.UnicodeScalarView.SubSequence) -> UInt64? {
        let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        let integerDigits = scalars.prefix(while: isDigit)
        scalars = scalars.dropFirst(integerDigits.count)
        var fractionDigits = Substring.UnicodeScalarView.SubSequence()
        if scalars.first == "." {
            scalars = scalars.dropFirst()
            fractionDigits = scalars.prefix(while: isDigit)
            scalars = scalars.dropFirst(fractionDigits.count)
        }
        guard !integerDigits.isEmpty || !fractionDigits.isEmpty else { return nil }
        let unitText = String(scalars.prefix { !isDigit($0) && $0 != "." })
        scalars = scalars.dropFirst(unitText.unicodeScalars.count)
        guard let unit = units.first(where: { $0.name == unitText })?.nanoseconds else { return nil }
        guard let whole = integerDigits.isEmpty ? 0 : UInt64(String(integerDigits)) else { return nil }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        var fraction: Double = 0
        if !fractionDigits.isEmpty {
            fraction = (Double("0." + String(fractionDigits)) ?? 0) * Double(unit)
        }
        let (sum, sumOverflow) = scaled.addingReportingOverflow(UInt64(fraction))
        return sumOverflow ? nil : sum
    }
}

/// Parses memory sizes as the docker CLI's `RAMInBytes` does (go-units), for `--memory` and `--shm-size`.
public enum ByteSize {
    /// Bytes for `text`, or nil when it is not a size.
    ///
    /// A size is a decimal number, an optional space and an optional binary unit: `b`, or `k`, `m`, `g`,
    /// `t`, `p` optionally followed by `b` or `ib`, in any case. Examples: "64m", "1g", "512mb", "1024",
    /// "1.5g" (1610612736). Fractions are truncated after multiplying, as in go-units.
    public static func parse(_ text: String) -> Int64? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count && (("0"..."9").contains(scalars[index]) || scalars[index] == ".") {
            index += 1
        }
        let numberText = String(String.UnicodeScalarView(scalars[0..<index]))
        guard let number = Double(numberText) else { return nil }
        if index < scalars.count && scalars[index] == " " {
            index += 1
        }
        let suffix = String(String.UnicodeScalarView(scalars[index...])).lowercased()
        guard let multiplier = multiplier(forSuffix: suffix) else { return nil }
        let bytes = number * Double(multiplier)
        guard bytes < 9.2e18 else { return nil }
        return Int64(bytes)
    }

    private static func multiplier(forSuffix suffix: String) -> Int64? {
        if suffix.isEmpty || suffix == "b" { return 1 }
        let prefixes: [Character: Int64] = [
            "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50,
        ]
        guard let first = suffix.first, let value = prefixes[first] else { return nil }
        let rest = suffix.dropFirst()
        return rest.isEmpty || rest == "b" || rest == "ib" ? value : nil
    }
}
