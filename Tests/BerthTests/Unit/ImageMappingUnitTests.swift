import Testing

@testable import Berth

@Suite("Image mapping")
struct ImageMappingUnitTests {
    static let invalid: [String] = ["", "postgres", "=", "=localhost/pg", "postgres=", " "]

    @Test("rejects text that is not FROM=TO", arguments: invalid)
    func invalidText(_ text: String) {
        let error = #expect(throws: BerthError.self) {
            try ImageMapping(parsing: text)
        }
        #expect(error?.message == "invalid --image-map '\(text)'")
        #expect(error?.hint?.contains("FROM=TO") == true)
    }

    @Test("splits at the first equals sign")
    func firstEquals() throws {
        let mapping = try ImageMapping(parsing: "app:1=localhost/app:a=b")

        #expect(mapping.from == "app:1")
        #expect(mapping.to == "localhost/app:a=b")
    }

    /// Mappings, a reference, and the reference they must produce.
    static let applications: [([String], String, String)] = [
        // Exact match only.
        (["postgres:16=localhost/pg:16"], "postgres:16", "localhost/pg:16"),
        (["postgres:16=localhost/pg:16"], "postgres:15", "postgres:15"),
        (["postgres:16=localhost/pg:16"], "postgres:16-alpine", "postgres:16-alpine"),
        (["postgres:16=localhost/pg:16"], "postgres", "postgres"),
        // A missing tag means latest, on either side.
        (["redis=localhost/redis:7"], "redis", "localhost/redis:7"),
        (["redis=localhost/redis:7"], "redis:latest", "localhost/redis:7"),
        (["redis:latest=localhost/redis:7"], "redis", "localhost/redis:7"),
        (["redis=localhost/redis:7"], "redis:7", "redis:7"),
        // A registry port is not a tag.
        (["localhost:5000/redis=localhost/redis:7"], "localhost:5000/redis:latest", "localhost/redis:7"),
        (["localhost:5000/redis:6=localhost/redis:7"], "localhost:5000/redis", "localhost:5000/redis"),
        // A digest is compared as written.
        (["postgres@sha256:0123=localhost/pg"], "postgres@sha256:0123", "localhost/pg"),
        (["postgres@sha256:0123=localhost/pg"], "postgres", "postgres"),
        // A FROM ending in / replaces the prefix.
        (
            ["docker.io/library/=mirror.internal/library/"], "docker.io/library/postgres:16",
            "mirror.internal/library/postgres:16"
        ),
        // A prefix also matches the qualified form of a short Docker Hub name.
        (["docker.io/library/=mirror.internal/library/"], "postgres:16", "mirror.internal/library/postgres:16"),
        (["docker.io/=mirror.internal/hub/"], "bitnami/mysql:8", "mirror.internal/hub/bitnami/mysql:8"),
        (["docker.io/=mirror.internal/hub/"], "ghcr.io/nextcloud/redis", "ghcr.io/nextcloud/redis"),
        (["docker.io/=mirror.internal/hub/"], "localhost/pg:15", "localhost/pg:15"),
        (["ghcr.io/=localhost/ghcr/"], "ghcr.io/nextcloud/redis:latest", "localhost/ghcr/nextcloud/redis:latest"),
        // The first mapping that matches wins.
        (["postgres:16=localhost/a", "postgres:16=localhost/b"], "postgres:16", "localhost/a"),
        (
            ["docker.io/=localhost/m/", "docker.io/library/pg=localhost/b"], "docker.io/library/pg",
            "localhost/m/library/pg"
        ),
        (["mysql=localhost/m", "postgres=localhost/p"], "postgres", "localhost/p"),
        // No mappings.
        ([], "postgres:16", "postgres:16"),
    ]

    @Test("apply rewrites references", arguments: applications)
    func apply(_ texts: [String], _ reference: String, _ expected: String) throws {
        let mappings = try texts.map { try ImageMapping(parsing: $0) }

        #expect(ImageMapping.apply(mappings, to: reference) == expected)
    }
}
