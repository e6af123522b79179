import Foundation
import Testing

@testable import WorkflowSpec

/// Real workflow files kept next to the repository in `../shared/cases/workflows`, or nil when absent.
///
/// Symbolic links in the test file's path are resolved first, so the directory is found from the
/// repository even when the tests are built through a package that links to them.
private let casesDirectory: URL? = {
    let packageRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
    let directory = packageRoot.appendingPathComponent("../shared/cases/workflows").standardizedFileURL
    return workflowFiles(in: directory).isEmpty ? nil : directory
}()

/// The case files present, sorted by name.
private let caseFiles: [String] = casesDirectory.map(workflowFiles(in:)) ?? []

private func workflowFiles(in directory: URL) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
}

private let skipReason: Comment = "no workflow files at ../shared/cases/workflows next to the repository"

/// Loads the case file whose name starts with `prefix`.
private func loadCase(_ prefix: String) throws -> Workflow {
    let directory = try #require(casesDirectory)
    let name = try #require(caseFiles.first { $0.hasPrefix(prefix) }, "no case file starts with \(prefix)")
    return try Workflow.load(path: directory.appendingPathComponent(name).path)
}

/// Resolves `job` of the case file starting with `prefix`.
private func resolveCase(
    _ prefix: String, job: String, context: ExpressionContext = ExpressionContext()
) throws -> (job: JobSpec, diagnostics: [Diagnostic]) {
    try loadCase(prefix).job(job, context: context)
}

@Suite("Workflow cases", .enabled(if: casesDirectory != nil, skipReason))
struct WorkflowCaseTests {
    @Test("every case parses and every job resolves", arguments: caseFiles)
    func everyJobResolves(_ name: String) throws {
        let directory = try #require(casesDirectory)
        let workflow = try Workflow.load(path: directory.appendingPathComponent(name).path)
        #expect(!workflow.jobIDs.isEmpty)
        for id in workflow.jobIDs {
            let resolved = try workflow.job(id, context: ExpressionContext())
            #expect(resolved.job.id == id)
        }
    }

    @Test("00: one postgres service with a 10 s health interval")
    func selfHostedPostgres() throws {
        let job = try resolveCase("00-", job: "test").job
        #expect(job.services.map(\.key) == ["postgres"])
        let health = try #require(job.services.first?.options.healthCheck)
        #expect(health.test == ["CMD-SHELL", "pg_isready"])
        #expect(health.interval == 10_000_000_000)
        #expect(health.timeout == 5_000_000_000)
        #expect(health.retries == 5)
    }

    @Test("01: container job image and redis ports")
    func containerJob() throws {
        let job = try resolveCase("01-", job: "container-job").job
        #expect(job.container?.image == "node:10.16-jessie")
        let redis = try #require(job.services.first)
        #expect(redis.ports == [PortSpec(hostPort: 6379, containerPort: 6379)])
        #expect(redis.options.entrypoint == "redis-server")
        let vmJob = try resolveCase("01-", job: "vm-job").job
        #expect(vmJob.services.first?.ports == [PortSpec(hostPort: nil, containerPort: 6379)])
    }

    @Test("03: the mssql health command keeps its quotes and operator")
    func mssqlHealthCommand() throws {
        let job = try resolveCase("03-", job: "sqlserver").job
        let test = try #require(job.services.first?.options.healthCheck?.test)
        #expect(test.count == 2)
        #expect(test[1].contains(#"-Q "SELECT 1" || exit 1"#))
        let mysql = try resolveCase("03-", job: "mysql").job
        #expect(mysql.services.first?.image == "mysql/mysql-server:latest")
        #expect(mysql.services.first?.env.last == EnvVar(name: "MYSQL_RANDOM_ROOT_PASSWORD", value: "yes"))
    }

    @Test("04: host port 4444 maps to container port 3306")
    func nextcloudPorts() throws {
        let job = try resolveCase("04-", job: "phpunit-mysql").job
        let mysql = try #require(job.services.first { $0.key == "mysql" })
        #expect(mysql.ports == [PortSpec(hostPort: 4444, containerPort: 3306, proto: "tcp")])
        #expect(mysql.image == "ghcr.io/nextcloud/continuous-integration-mysql-8.0:latest")
    }

    @Test("05: elasticsearch starts and opensearch is skipped")
    func mastodonConditionalImage() throws {
        let job = try resolveCase("05-", job: "test-search").job
        #expect(job.services.map(\.key) == ["postgres", "redis", "elasticsearch"])
        #expect(job.skippedServices == ["opensearch"])
        let opensearch = try resolveCase(
            "05-", job: "test-search",
            context: ExpressionContext(matrix: ["search-image": "opensearchproject/opensearch:2"])
        ).job
        #expect(opensearch.skippedServices == ["elasticsearch"])
        #expect(opensearch.services.last?.image == "opensearchproject/opensearch:2")
        #expect(opensearch.matrix["ruby-version"] == ".ruby-version")
    }

    @Test("06: the bind mount under /__w is kept as written")
    func strapiBind() throws {
        let job = try resolveCase("06-", job: "api_ce_pg").job
        #expect(job.services.first?.options.binds == ["/__w/.github/workflows/db/postgres:/docker-entrypoint-initdb.d"])
        #expect(job.matrix == ["node": "18", "shard": "1/5"])
    }

    @Test("08: credentials need the secrets")
    func calcomCredentials() throws {
        let without = try resolveCase("08-", job: "e2e")
        #expect(without.job.services.allSatisfy { $0.credentials == nil })
        #expect(without.diagnostics.contains { $0.message.hasPrefix("secrets.DOCKERHUB_TOKEN is not set") })
        let context = ExpressionContext(secrets: ["DOCKERHUB_USERNAME": "user", "DOCKERHUB_TOKEN": "token"])
        let with = try resolveCase("08-", job: "e2e", context: context)
        #expect(with.job.services.first?.credentials == Credentials(username: "user", password: "token"))
        #expect(with.diagnostics.isEmpty)
    }

    @Test("10: the privileged job container binds the docker socket")
    func foundryContainer() throws {
        let container = try #require(try resolveCase("10-", job: "integration-test").job.container)
        #expect(container.options.privileged)
        #expect(container.options.binds == ["/var/run/docker.sock:/var/run/docker.sock"])
    }

    @Test("13: ruby-version 3.1 is unchanged and 4.0 gets a diagnostic")
    func solidQueueNumbers() throws {
        let first = try resolveCase("13-", job: "tests")
        #expect(first.job.matrix["ruby-version"] == "3.1")
        #expect(!first.diagnostics.contains { $0.message.contains("ruby") || $0.message.hasPrefix("3.1") })
        let four = try resolveCase("13-", job: "tests", context: ExpressionContext(matrix: ["ruby-version": "4.0"]))
        #expect(four.job.matrix["ruby-version"] == "4")
        let diagnostic = try #require(four.diagnostics.first)
        #expect(diagnostic.message == #"4.0 is read as the number 4, as GitHub Actions does; quote it to keep "4.0""#)
        #expect(diagnostic.location.line == 17)
    }

    @Test("13: an excluded choice is laid over the first")
    func solidQueueExclude() throws {
        let context = ExpressionContext(matrix: ["ruby-version": "3.1", "gemfile": "rails_8_0"])
        let job = try resolveCase("13-", job: "tests", context: context).job
        #expect(job.matrix["gemfile"] == "rails_8_0")
        #expect(job.matrix["ruby-version"] == "3.1")
        #expect(job.matrix["database"] == "mysql")
    }

    @Test("15: an unquoted yes stays the string yes")
    func wagtailYes() throws {
        let job = try resolveCase("15-", job: "test-mysql").job
        #expect(job.services.first?.env.first == EnvVar(name: "MYSQL_ALLOW_EMPTY_PASSWORD", value: "yes"))
        let postgres = try resolveCase("15-", job: "test-postgres").job
        #expect(postgres.services.first?.env.isEmpty == true)
        #expect(postgres.matrix["python"] == "3.8")
        #expect(postgres.matrix["experimental"] == "false")
    }
}
