import EngineAPI
import Testing

@testable import Berth

/// CIDR text and the network it must parse to, or nil when it must be rejected.
struct NetworkCase: Sendable, CustomTestStringConvertible {
    let text: String
    let base: UInt32?
    let prefixLength: Int?
    let description: String?

    var testDescription: String { text.isEmpty ? "(empty)" : text }
}

@Suite("IPv4 networks")
struct IPv4NetworkUnitTests {
    static let valid: [NetworkCase] = [
        NetworkCase(text: "10.0.0.0/8", base: 0x0A00_0000, prefixLength: 8, description: "10.0.0.0/8"),
        NetworkCase(text: "172.16.5.4/12", base: 0xAC10_0000, prefixLength: 12, description: "172.16.0.0/12"),
        NetworkCase(text: "192.168.1.77/27", base: 0xC0A8_0140, prefixLength: 27, description: "192.168.1.64/27"),
        NetworkCase(text: "0.0.0.0/0", base: 0, prefixLength: 0, description: "0.0.0.0/0"),
        NetworkCase(text: "255.255.255.255/32", base: 0xFFFF_FFFF, prefixLength: 32, description: "255.255.255.255/32"),
        NetworkCase(text: "8.8.8.8/0", base: 0, prefixLength: 0, description: "0.0.0.0/0"),
    ]

    static let invalid: [String] = [
        "", "10.0.0.0", "/8", "10.0.0/8", "10.0.0.0.0/8", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0/-1",
        "a.b.c.d/8", "10.0.0.0/8/9", "10.0.0.0/x", "fd00::/64", "10.0.0.0/ 8",
    ]

    /// Texts with an extra, empty, signed or non-numeric part; the numbers left over must not
    /// make them valid.
    static let malformedOctets: [String] = [
        "10.0.0.0./8", ".10.0.0.0/8", "10..0.0.0/8", "10.x.0.0.0/8", "+10.0.0.0/8", "10.0.0.0/+8",
    ]

    @Test("parses CIDR text and clears host bits", arguments: valid)
    func parse(_ item: NetworkCase) throws {
        let network = try #require(IPv4Network(item.text))

        #expect(network.base == item.base)
        #expect(network.prefixLength == item.prefixLength)
        #expect(network.description == item.description)
    }

    @Test("rejects malformed CIDR text", arguments: invalid)
    func reject(_ text: String) {
        #expect(IPv4Network(text) == nil)
    }

    @Test("rejects empty, signed or non-numeric parts", arguments: malformedOctets)
    func rejectOctets(_ text: String) {
        #expect(IPv4Network(text) == nil)
    }

    @Test("size counts every address")
    func size() throws {
        #expect(try #require(IPv4Network("10.0.0.0/8")).size == 16_777_216)
        #expect(try #require(IPv4Network("10.0.0.0/27")).size == 32)
        #expect(try #require(IPv4Network("10.0.0.1/32")).size == 1)
        #expect(try #require(IPv4Network("0.0.0.0/0")).size == 4_294_967_296)
    }

    @Test("address at an offset from the base")
    func addressAtOffset() throws {
        let network = try #require(IPv4Network("172.16.0.32/27"))

        #expect(network.address(at: 0) == "172.16.0.32")
        #expect(network.address(at: 1) == "172.16.0.33")
        #expect(network.address(at: 31) == "172.16.0.63")
        #expect(network.address(at: 256) == "172.16.1.32")
    }

    /// Two CIDR texts and whether they share an address; overlap is symmetric.
    static let overlapCases: [(String, String, Bool)] = [
        ("172.16.0.0/12", "172.17.0.0/16", true),
        ("172.16.0.0/12", "172.31.255.224/27", true),
        ("172.16.0.0/12", "172.32.0.0/16", false),
        ("10.0.0.0/27", "10.0.0.32/27", false),
        ("10.0.0.0/27", "10.0.0.31/32", true),
        ("10.0.0.0/26", "10.0.0.32/27", true),
        ("0.0.0.0/0", "192.168.1.0/24", true),
        ("192.168.1.0/24", "192.168.1.0/24", true),
        ("192.168.1.0/24", "192.168.2.0/24", false),
    ]

    @Test("overlap is symmetric and exact", arguments: overlapCases)
    func overlap(_ first: String, _ second: String, _ expected: Bool) throws {
        let firstNetwork = try #require(IPv4Network(first))
        let secondNetwork = try #require(IPv4Network(second))

        #expect(firstNetwork.overlaps(secondNetwork) == expected)
        #expect(secondNetwork.overlaps(firstNetwork) == expected)
    }
}

@Suite("Subnet allocator")
struct SubnetAllocatorUnitTests {
    @Test("default pool and size")
    func defaults() throws {
        let allocator = try SubnetAllocator()

        #expect(allocator.pool.description == "172.16.0.0/12")
        #expect(allocator.prefixLength == 27)
    }

    @Test("candidates lie in the pool with the right length and are distinct")
    func candidatesInPool() throws {
        let allocator = try SubnetAllocator()

        let candidates = allocator.candidates(avoiding: [], limit: 64)

        #expect(candidates.count == 64)
        #expect(candidates.allSatisfy { $0.prefixLength == 27 })
        #expect(candidates.allSatisfy { allocator.pool.overlaps($0) })
        #expect(Set(candidates.map(\.description)).count == candidates.count)
    }

    @Test("candidates never overlap a used subnet")
    func avoidsUsed() throws {
        let allocator = try SubnetAllocator(pool: try #require(IPv4Network("10.10.0.0/22")), prefixLength: 27)
        let used = [
            try #require(IPv4Network("10.10.0.0/24")),
            try #require(IPv4Network("10.10.2.64/26")),
            try #require(IPv4Network("10.10.3.200/32")),
            try #require(IPv4Network("128.0.0.0/1")),
        ]

        let candidates = allocator.candidates(avoiding: used, limit: 1000)

        // 32 subnets of /27 in a /22: 8 are in the /24, 2 in the /26 and 1 contains the /32.
        #expect(candidates.count == 21)
        for candidate in candidates {
            #expect(!used.contains { $0.overlaps(candidate) }, "\(candidate) overlaps a used subnet")
        }
        #expect(Set(candidates.map(\.description)).count == candidates.count)
    }

    @Test("a nearly full pool yields only the free subnets")
    func nearlyFull() throws {
        let allocator = try SubnetAllocator(pool: try #require(IPv4Network("192.168.7.0/24")), prefixLength: 27)
        let used = try ["192.168.7.0/26", "192.168.7.64/27", "192.168.7.128/26", "192.168.7.224/27"].map {
            try #require(IPv4Network($0))
        }

        let candidates = allocator.candidates(avoiding: used)

        #expect(candidates.map(\.description).sorted() == ["192.168.7.192/27", "192.168.7.96/27"])
    }

    @Test("a full pool yields no candidate")
    func full() throws {
        let allocator = try SubnetAllocator(pool: try #require(IPv4Network("192.168.7.0/24")), prefixLength: 27)

        #expect(allocator.candidates(avoiding: [try #require(IPv4Network("192.168.0.0/16"))]).isEmpty)
    }

    @Test("the limit caps the number of candidates")
    func limit() throws {
        let allocator = try SubnetAllocator()

        #expect(allocator.candidates(avoiding: [], limit: 3).count == 3)
        #expect(allocator.candidates(avoiding: [], limit: 0).isEmpty)
    }

    @Test("a pool of exactly one subnet yields it")
    func singleSubnetPool() throws {
        let allocator = try SubnetAllocator(pool: try #require(IPv4Network("10.1.2.0/29")), prefixLength: 29)

        #expect(allocator.candidates(avoiding: []).map(\.description) == ["10.1.2.0/29"])
    }

    /// Pool, prefix length: each must be rejected.
    static let invalidSizes: [(String, Int)] = [
        ("172.16.0.0/12", 30), ("172.16.0.0/12", 32), ("172.16.0.0/12", 15), ("172.16.0.0/12", 8),
        ("172.16.0.0/12", 0), ("172.16.0.0/12", -1), ("10.0.0.0/24", 20), ("10.0.0.0/30", 29),
    ]

    @Test("rejects sizes outside /16 to /29 or larger than the pool", arguments: invalidSizes)
    func invalidSize(_ pool: String, _ prefixLength: Int) throws {
        let network = try #require(IPv4Network(pool))

        let error = #expect(throws: BerthError.self) {
            try SubnetAllocator(pool: network, prefixLength: prefixLength)
        }
        #expect(error?.message == "invalid subnet size /\(prefixLength) for pool \(network)")
    }

    /// A `/proc/net/route` sample from a Docker host, space-padded as the kernel writes it: the
    /// default route (mask 0, skipped), docker0, a user bridge, a /26 and the host's own /24.
    static let routeTable =
        [
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
            "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
            "br-3d198577c5e0\t000016AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
            "br-small\t4000A8C0\t00000000\t0001\t0\t0\t0\tC0FFFFFF\t0\t0\t0",
            "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
        ].map { $0 + String(repeating: " ", count: 40) + "\n" }.joined()

    @Test("used subnets come from route destinations and masks")
    func routes() {
        let used = SubnetAllocator.usedSubnets(networks: [], routeTable: Self.routeTable)

        #expect(used.map(\.description) == ["172.17.0.0/16", "172.22.0.0/16", "192.168.0.64/26", "192.0.2.0/24"])
    }

    @Test("used subnets include IPv4 subnets of daemon networks")
    func daemonNetworks() throws {
        let networks = try UnitFixture.decode(
            [NetworkInspect].self,
            from: """
                [
                  {"Name": "bridge", "Id": "f1e2", "Created": "2024-05-01T09:00:00.000000000Z", "Driver": "bridge",
                   "IPAM": {"Driver": "default", "Options": null,
                            "Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]},
                   "Containers": {}, "Labels": {}},
                  {"Name": "dual", "Id": "a1b2", "Driver": "bridge",
                   "IPAM": {"Driver": "default",
                            "Config": [{"Subnet": "fd00:1::/64"}, {"Subnet": "10.99.0.0/24", "Gateway": "10.99.0.1"}]},
                   "Labels": {}},
                  {"Name": "host", "Id": "c3d4", "Driver": "host", "IPAM": {"Driver": "default", "Config": []}},
                  {"Name": "none", "Id": "e5f6", "Driver": "null", "IPAM": {"Driver": "default", "Config": null}}
                ]
                """)

        let used = SubnetAllocator.usedSubnets(networks: networks, routeTable: nil)

        #expect(used.map(\.description) == ["172.17.0.0/16", "10.99.0.0/24"])
    }

    @Test("an unreadable or malformed route table adds nothing")
    func malformedRoutes() {
        #expect(SubnetAllocator.usedSubnets(networks: [], routeTable: nil).isEmpty)
        #expect(SubnetAllocator.usedSubnets(networks: [], routeTable: "").isEmpty)
        #expect(SubnetAllocator.usedSubnets(networks: [], routeTable: "Iface\tDestination\n").isEmpty)
        #expect(
            SubnetAllocator.usedSubnets(networks: [], routeTable: "header\neth0\tZZZZ\t0\t0\t0\t0\t0\t00FFFFFF\n")
                .isEmpty)
        #expect(SubnetAllocator.usedSubnets(networks: [], routeTable: "header\neth0\t000011AC\t0\n").isEmpty)
    }
}
