import Foundation
import Testing

/// One job of a shared workflow case and the plan `berth up --dry-run` must print for it.
struct DryRunCase: Sendable, CustomTestStringConvertible {
    let file: String
    let job: String
    let services: [String]
    var skipped: [String] = []
    var containerImage: String?

    var testDescription: String { "\(file.prefix(2)) \(job)" }
}

/// The parts of the JSON plan these tests check.
struct PrintedPlan: Decodable {
    struct Service: Decodable {
        var key: String
        var image: String
    }

    struct Container: Decodable {
        var image: String
    }

    var job: String?
    var services: [Service]
    var skipped: [String]
    var container: Container?
}

@Suite(
    "berth up --dry-run on the workflow cases",
    .enabled(if: BerthBinary.available, "the berth binary is not built"),
    .enabled(if: !BerthBinary.workflowCaseFiles.isEmpty, "the workflow cases are absent"))
struct DryRunUnitTests {
    /// Every job of every case file. The first matrix combination applies, so the 05 case
    /// runs Elasticsearch and skips OpenSearch, whose image expression yields ''.
    static let cases: [DryRunCase] = [
        DryRunCase(file: "00-selfhosted-runner-postgres.yml", job: "test", services: ["postgres"]),
        DryRunCase(
            file: "01-example-services-redis-container-vs-host.yml", job: "container-job", services: ["redis"],
            containerImage: "node:10.16-jessie"),
        DryRunCase(file: "01-example-services-redis-container-vs-host.yml", job: "vm-job", services: ["redis"]),
        DryRunCase(file: "03-gorm-matrix-image-escaped-quotes-healthcmd.yml", job: "mysql", services: ["mysql"]),
        DryRunCase(file: "03-gorm-matrix-image-escaped-quotes-healthcmd.yml", job: "postgres", services: ["postgres"]),
        DryRunCase(file: "03-gorm-matrix-image-escaped-quotes-healthcmd.yml", job: "sqlserver", services: ["mssql"]),
        DryRunCase(
            file: "04-nextcloud-oneline-options-port-proto-suffix.yml", job: "phpunit-mysql",
            services: ["cache", "mysql"]),
        DryRunCase(
            file: "05-mastodon-conditional-empty-image.yml", job: "test-search",
            services: ["postgres", "redis", "elasticsearch"], skipped: ["opensearch"]),
        DryRunCase(file: "06-strapi-bind-mount-under-dunder-w.yml", job: "api_ce_pg", services: ["postgres"]),
        DryRunCase(file: "06-strapi-bind-mount-under-dunder-w.yml", job: "api_ce_mysql", services: ["mysql"]),
        DryRunCase(file: "08-calcom-service-credentials.yml", job: "e2e", services: ["postgres", "mailhog"]),
        DryRunCase(
            file: "09-orderease-docker-run-on-job-container-network.yml", job: "integration-test", services: ["mysql"]),
        DryRunCase(
            file: "10-foundry-privileged-docker-sock-network-connect.yml", job: "integration-test", services: [],
            containerImage: "ghcr.io/example-owner/foundry/ci-runner:latest"),
        DryRunCase(
            file: "13-solid-queue-escaped-quotes-flow-matrix.yml", job: "tests", services: ["mysql", "postgres"]),
        DryRunCase(
            file: "15-wagtail-yaml11-yes-and-passwordless-postgres.yml", job: "test-postgres", services: ["postgres"]),
        DryRunCase(file: "15-wagtail-yaml11-yes-and-passwordless-postgres.yml", job: "test-mysql", services: ["mysql"]),
    ]

    @Test("the table covers every case file")
    func everyFileListed() {
        #expect(Set(BerthBinary.workflowCaseFiles) == Set(Self.cases.map(\.file)))
    }

    @Test("the JSON plan lists the job's services, without a daemon", arguments: cases)
    func plan(_ item: DryRunCase) async throws {
        let path = BerthBinary.workflowCases.appendingPathComponent(item.file).path

        let result = try await BerthBinary.run([
            "up", "--dry-run", "--format", "json", "--host", BerthBinary.deadHost, "--workflow", path, "--job",
            item.job,
        ])

        #expect(result.status == 0, "stderr: \(result.stderr)")
        let plan = try JSONDecoder().decode(PrintedPlan.self, from: Data(result.stdout.utf8))
        #expect(plan.job == item.job)
        #expect(plan.services.map(\.key) == item.services)
        #expect(plan.skipped == item.skipped)
        #expect(plan.container?.image == item.containerImage)
        #expect(plan.services.allSatisfy { !$0.image.isEmpty })
    }

    @Test("the text plan also needs no daemon")
    func textPlan() async throws {
        let path = BerthBinary.workflowCases.appendingPathComponent("05-mastodon-conditional-empty-image.yml").path

        let result = try await BerthBinary.run(["up", "--dry-run", "--host", BerthBinary.deadHost, "--workflow", path])

        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("service elasticsearch: docker.elastic.co/elasticsearch/elasticsearch:7.17.29"))
        #expect(result.stdout.contains("service opensearch: skipped (empty image)"))
    }

    @Test("without --dry-run the dead host is reported")
    func deadHostReported() async throws {
        let path = BerthBinary.workflowCases.appendingPathComponent("00-selfhosted-runner-postgres.yml").path

        let result = try await BerthBinary.run(["up", "--host", BerthBinary.deadHost, "--workflow", path])

        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: "), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("/nonexistent.sock"), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
    }
}
