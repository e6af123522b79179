import Testing

@testable import Berth

/// One message and its SHA-256 digest in lowercase hex.
struct DigestCase: Sendable, CustomTestStringConvertible {
    let name: String
    let message: [UInt8]
    let expected: String

    init(_ name: String, _ message: String, _ expected: String) {
        self.name = name
        self.message = Array(message.utf8)
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("SHA-256")
struct SHA256UnitTests {
    /// FIPS 180-4 example vectors, plus lengths around the 55/56- and 64-byte padding
    /// boundaries. The runs of 'a' were computed once with GNU coreutils' `sha256sum`.
    static let vectors: [DigestCase] = [
        DigestCase("empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        DigestCase("abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        DigestCase(
            "448-bit message", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        DigestCase(
            "896-bit message",
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        DigestCase(
            "55 bytes", String(repeating: "a", count: 55),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        DigestCase(
            "56 bytes", String(repeating: "a", count: 56),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        DigestCase(
            "63 bytes", String(repeating: "a", count: 63),
            "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        DigestCase(
            "64 bytes", String(repeating: "a", count: 64),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        DigestCase(
            "65 bytes", String(repeating: "a", count: 65),
            "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        DigestCase(
            "119 bytes", String(repeating: "a", count: 119),
            "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        DigestCase(
            "120 bytes", String(repeating: "a", count: 120),
            "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        DigestCase(
            "1,000 bytes", String(repeating: "a", count: 1000),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ]

    @Test("hex digest of known messages", arguments: vectors)
    func knownDigest(_ vector: DigestCase) {
        #expect(SHA256.hex(vector.message) == vector.expected)
    }

    @Test("digest is 32 bytes matching the hex form", arguments: vectors)
    func digestBytes(_ vector: DigestCase) {
        let digest = SHA256.digest(vector.message)

        #expect(digest.count == 32)
        #expect(digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined() == vector.expected)
    }

    @Test("a slice hashes like a copied array")
    func sliceInput() {
        let bytes = Array("xxabcxx".utf8)

        #expect(SHA256.hex(bytes[2..<5]) == SHA256.hex(Array("abc".utf8)))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
