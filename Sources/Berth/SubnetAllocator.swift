import EngineAPI
import Foundation

/// An IPv4 network such as 172.16.0.0/12.
public struct IPv4Network: Sendable, Equatable, CustomStringConvertible {
    /// The first address, host bits cleared.
    public var base: UInt32
    public var prefixLength: Int

    /// Parses `a.b.c.d/n`; host bits are cleared.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isDecimal(parts[1]), let length = Int(parts[1]), (0...32).contains(length),
            let address = Self.parseAddress(String(parts[0]))
        else { return nil }
        self.init(base: address, prefixLength: length)
    }

    /// Creates a network from a base address and prefix length.
    public init(base: UInt32, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.base = base & Self.mask(prefixLength)
    }

    static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// Parses dotted-quad text: exactly four decimal octets, each 0 to 255, with no sign or empty part.
    static func parseAddress(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var address: UInt32 = 0
        for part in parts {
            guard part.count <= 3, isDecimal(part), let octet = UInt32(part), octet < 256 else { return nil }
            address = address << 8 | octet
        }
        return address
    }

    private static func isDecimal(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The number of addresses.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

    /// True when the two networks share any address.
    public func overlaps(_ other: IPv4Network) -> Bool {
        let shorter = min(prefixLength, other.prefixLength)
        return base & Self.mask(shorter) == other.base & Self.mask(shorter)
    }

    /// The address `offset` places after the base, as text.
    public func address(at offset: UInt32) -> String {
        let value = base &+ offset
        return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    public var description: String { "\(address(at: 0))/\(prefixLength)" }
}

/// Picks small, free subnets for session networks.
///
/// A stock daemon hands each new network a /16 or /20 from its default pools and runs out after
/// about 31 networks. Berth instead carves `prefixLength`-sized subnets (/27, 30 usable addresses,
/// by default) out of `pool` (172.16.0.0/12, the private range Docker's own pools come from),
/// skipping every subnet an existing network or a host route uses. Candidates are tried in random
/// order, and a create that loses a race to a concurrent one is retried with the next candidate.
public struct SubnetAllocator: Sendable {
    public var pool: IPv4Network
    public var prefixLength: Int

    /// The default pool and size.
    public static let defaultPool = IPv4Network(base: 0xAC10_0000, prefixLength: 12)
    public static let defaultPrefixLength = 27

    /// Creates an allocator, rejecting sizes that do not fit the pool.
    public init(pool: IPv4Network = defaultPool, prefixLength: Int = defaultPrefixLength) throws(BerthError) {
        guard prefixLength >= pool.prefixLength, (16...29).contains(prefixLength) else {
            throw BerthError(
                "invalid subnet size /\(prefixLength) for pool \(pool)",
                hint: "Use a prefix length from /16 to /29 that is not larger than the pool.")
        }
        self.pool = pool
        self.prefixLength = prefixLength
    }

    /// Free candidate subnets in random order, at most `limit` of them.
    public func candidates(avoiding used: [IPv4Network], limit: Int = 64) -> [IPv4Network] {
        let count = pool.size / (UInt64(1) << UInt64(32 - prefixLength))
        let blocking = used.filter { $0.overlaps(pool) }
        var chosen: [IPv4Network] = []
        var tried = Set<UInt64>()
        var generator = SystemRandomNumberGenerator()
        while chosen.count < limit && UInt64(tried.count) < count {
            let index = UInt64.random(in: 0..<count, using: &generator)
            guard tried.insert(index).inserted else { continue }
            let candidate = IPv4Network(
                base: pool.base &+ UInt32(index) << UInt32(32 - prefixLength), prefixLength: prefixLength)
            if !blocking.contains(where: { $0.overlaps(candidate) }) {
                chosen.append(candidate)
            }
        }
        return chosen
    }

    /// IPv4 subnets in use: those of the daemon's networks and this machine's routes.
    static func usedSubnets(networks: [NetworkInspect], routeTable: String?) -> [IPv4Network] {
        var used = networks.flatMap { $0.ipam?.config ?? [] }.compactMap { $0.subnet.flatMap(IPv4Network.init) }
        for line in (routeTable ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count > 7, let destination = UInt32(fields[1], radix: 16),
                let mask = UInt32(fields[7], radix: 16),
                mask != 0
            else { continue }
            used.append(IPv4Network(base: destination.byteSwapped, prefixLength: mask.nonzeroBitCount))
        }
        return used
    }
}
