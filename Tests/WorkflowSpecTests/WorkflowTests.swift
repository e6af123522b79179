import Foundation
import Testing

@testable import WorkflowSpec

/// Wraps service definitions (indented for `services:`) in a workflow with one job called "test".
private func workflow(services: String, jobExtra: String = "", top: String = "") -> String {
    top + "jobs:\n  test:\n" + jobExtra + "    services:\n" + services
}

@Suite("Workflow")
struct WorkflowTests {
    @Test("a full service mapping")
    func fullService() throws {
        let yaml = workflow(
            services: """
                      db:
                        image: docker://postgres:16
                        env:
                          PORT: 5432
                          RATIO: 1.50
                          FLAG: yes
                        ports:
                          - 5432
                          - 127.0.0.1:6000:6000/udp
                        volumes:
                          - data:/var/lib/postgresql/data
                        options: --health-cmd pg_isready --health-retries 3
                        entrypoint: /bin/sh
                        command: -c "exec postgres -c fsync=off"

                """)
        let resolved = try #require(resolveJob(yaml).value)
        let service = try #require(resolved.job.services.first)
        #expect(service.key == "db")
        #expect(service.image == "postgres:16")
        #expect(
            service.env == [
                EnvVar(name: "PORT", value: "5432"), EnvVar(name: "RATIO", value: "1.5"),
                EnvVar(name: "FLAG", value: "yes"),
            ])
        #expect(
            service.ports == [
                PortSpec(hostPort: nil, containerPort: 5432),
                PortSpec(hostIP: "127.0.0.1", hostPort: 6000, containerPort: 6000, proto: "udp"),
            ])
        #expect(service.volumes == ["data:/var/lib/postgresql/data"])
        #expect(service.options.healthCheck == HealthCheck(test: ["CMD-SHELL", "pg_isready"], retries: 3))
        #expect(service.rawOptions == "--health-cmd pg_isready --health-retries 3")
        #expect(service.entrypoint == "/bin/sh")
        #expect(service.command == ["-c", "exec postgres -c fsync=off"])
        #expect(service.location.line == 4)
        #expect(service.location.column == 7)
        #expect(
            resolved.diagnostics.map(\.message) == [
                #"1.50 is read as the number 1.5, as GitHub Actions does; quote it to keep "1.50""#
            ])
    }

    @Test("a service written as an image string")
    func imageString() throws {
        let resolved = try #require(resolveJob(workflow(services: "      redis: redis:7\n")).value)
        #expect(resolved.job.services.map(\.image) == ["redis:7"])
    }

    @Test("a container string and mapping")
    func container() throws {
        let string = try #require(resolveJob("jobs:\n  test:\n    container: node:20\n").value)
        #expect(string.job.container?.image == "node:20")
        #expect(string.job.container?.key == "container")
        let mapping = try #require(
            resolveJob("jobs:\n  test:\n    container:\n      image: node:20\n      options: --privileged\n").value)
        #expect(mapping.job.container?.options.privileged == true)
        #expect(mapping.job.services.isEmpty)
    }

    @Test("the job container has no entrypoint or command keys")
    func containerCommand() throws {
        let error = try #require(
            resolveJob("jobs:\n  test:\n    container:\n      image: node\n      command: x\n").error)
        #expect(error.message == "unknown key 'command' in container")
        #expect(error.hint == "GitHub Actions accepts 'command' only for services, not for the job container")
    }

    @Test("an unknown key names the key and lists the valid ones")
    func unknownKey() throws {
        let error = try #require(
            resolveJob(workflow(services: "      db:\n        image: postgres\n        option: --init\n")).error)
        #expect(error.message == "unknown key 'option' in services.db")
        #expect(
            error.hint == "the valid keys are image, options, env, ports, volumes, credentials, entrypoint, command")
        #expect(error.location?.line == 6)
        #expect(error.location?.column == 9)
    }

    @Test("a service that is not a mapping is an error")
    func notMapping() throws {
        let error = try #require(resolveJob(workflow(services: "      db:\n        - postgres\n")).error)
        #expect(error.message.contains("services.db must be a mapping or an image name, not a sequence"))
        #expect(error.location?.line == 5)
    }

    @Test("services that are not a mapping are an error")
    func servicesNotMapping() throws {
        let error = try #require(resolveJob("jobs:\n  test:\n    services: [a]\n").error)
        #expect(error.message.contains("services must be a mapping, not a sequence"))
        #expect(error.location?.line == 3)
        #expect(error.location?.column == 15)
    }

    @Test("env must be a mapping")
    func envNotMapping() throws {
        let error = try #require(
            resolveJob(workflow(services: "      db:\n        image: x\n        env: [A=1]\n")).error)
        #expect(error.message.contains("services.db.env must be a mapping"))
    }

    @Test("a literal empty image is an error")
    func emptyImage() throws {
        let error = try #require(resolveJob(workflow(services: "      db:\n        image: ''\n")).error)
        #expect(error.message == "the image of services.db is empty")
    }

    @Test("a service whose image expression is empty is skipped")
    func skipped() throws {
        let yaml = workflow(
            services:
                "      a:\n        image: ${{ vars.IMAGE }}\n        options: --bogus\n      b:\n        image: redis\n"
        )
        let resolved = try #require(resolveJob(yaml).value)
        #expect(resolved.job.skippedServices == ["a"])
        #expect(resolved.job.services.map(\.key) == ["b"])
    }

    @Test("credentials are nil without secrets and set with them")
    func credentials() throws {
        let yaml = workflow(
            services:
                "      db:\n        image: x\n        credentials:\n          username: ${{ secrets.USER }}\n          password: ${{ secrets.TOKEN }}\n"
        )
        let without = try #require(resolveJob(yaml).value)
        #expect(without.job.services.first?.credentials == nil)
        #expect(without.diagnostics.count == 2)
        let context = ExpressionContext(secrets: ["USER": "me"], environment: ["TOKEN": "t0k"])
        let with = try #require(resolveJob(yaml, context: context).value)
        #expect(with.job.services.first?.credentials == Credentials(username: "me", password: "t0k"))
        #expect(with.diagnostics.isEmpty)
    }

    @Test("unknown credential keys are errors")
    func credentialKeys() throws {
        let error = try #require(
            resolveJob(workflow(services: "      db:\n        image: x\n        credentials:\n          user: a\n"))
                .error)
        #expect(error.message == "unknown key 'user' in services.db.credentials")
    }

    @Test("env reads the job, the workflow, then the process")
    func envContext() throws {
        let yaml = workflow(
            services:
                "      db:\n        image: x\n        env:\n          A: ${{ env.JOB }}\n          B: ${{ env.TOP }}\n          C: ${{ env.HOME }}\n          D: ${{ env.NONE }}\n",
            jobExtra:
                "    env:\n      JOB: job-${{ matrix.v }}\n      TOP: shadowed\n    strategy:\n      matrix:\n        v: [1]\n",
            top: "env:\n  TOP: top\n  OTHER: 2\n")
        let resolved = try #require(resolveJob(yaml, context: ExpressionContext(environment: ["HOME": "/root"])).value)
        #expect(resolved.job.services.first?.env.map(\.value) == ["job-1", "shadowed", "/root", ""])
        #expect(
            resolved.diagnostics.map(\.message) == [
                "env.NONE is not set in the job, the workflow or the environment, so it is empty"
            ])
    }

    @Test("vars are read from the context and missing ones are empty")
    func varsContext() throws {
        let yaml = workflow(
            services: "      db:\n        image: ${{ vars.REGISTRY }}/pg\n        options: ${{ vars.OPTS }}\n")
        let resolved = try #require(resolveJob(yaml, context: ExpressionContext(vars: ["registry": "r.example"])).value)
        #expect(resolved.job.services.first?.image == "r.example/pg")
        #expect(resolved.diagnostics.map(\.message) == ["vars.OPTS is not set, so it is empty; pass --var OPTS=value"])
    }

    @Test("secrets are not available in an image, as in GitHub")
    func secretsInImage() throws {
        let error = try #require(
            resolveJob(workflow(services: "      db:\n        image: ${{ secrets.IMAGE }}\n")).error)
        #expect(error.message == "in '${{ secrets.IMAGE }}': the secrets context is not available in services.db.image")
        #expect(error.hint?.contains("env and credentials") == true)
    }

    @Test("GitHub-only contexts are errors naming the expression and line")
    func githubContext() throws {
        let yaml = workflow(
            services: "      db:\n        image: x\n        options: >-\n          --name ${{ github.run_id }}\n")
        let error = try #require(resolveJob(yaml).error)
        #expect(error.message == "in '${{ github.run_id }}': the github context is not available to Berth")
        #expect(error.hint?.contains("--matrix, --var or --secret") == true)
        #expect(error.location?.line == 7)
        #expect(error.location?.column == 18)
    }

    @Test("an options error points into a folded block")
    func optionsLocationFolded() throws {
        let yaml = workflow(
            services:
                "      db:\n        image: x\n        options: >-\n          --health-cmd pg_isready\n          --helth-interval 10s\n"
        )
        let error = try #require(resolveJob(yaml).error)
        #expect(error.message == "unknown option flag '--helth-interval'")
        #expect(error.location == WorkflowSpec.SourceLocation(file: "workflow.yml", line: 8, column: 11))
    }

    @Test("an options error after an expression points at the word")
    func optionsLocationAfterExpression() throws {
        let yaml = workflow(
            services: "      db:\n        image: x\n        options: --name ${{ matrix.n }} --bogus\n",
            jobExtra: "    strategy:\n      matrix:\n        n: [a-long-name]\n")
        let error = try #require(resolveJob(yaml).error)
        #expect(error.message == "unknown option flag '--bogus'")
        #expect(error.location?.line == 9)
        #expect(error.location?.column == 41)
    }

    @Test("an options error in a double-quoted scalar keeps its column")
    func optionsLocationQuoted() throws {
        let yaml = workflow(
            services: "      db:\n        image: x\n        options: \"--label=\\\"x\\\" --health-retries=many\"\n")
        let error = try #require(resolveJob(yaml).error)
        #expect(error.message == "invalid value 'many' for --health-retries")
        #expect(error.location?.column == 50)
    }

    @Test("command must be a string, as in GitHub's schema")
    func commandSequence() throws {
        let error = try #require(
            resolveJob(workflow(services: "      db:\n        image: x\n        command: [a, b]\n")).error)
        #expect(error.message.contains("services.db.command must be a string"))
    }

    @Test("an unknown job lists the jobs")
    func unknownJob() throws {
        let error = try #require(resolveJob("jobs:\n  a:\n    runs-on: x\n  b:\n    runs-on: y\n", job: "c").error)
        #expect(error.message == "the workflow 'workflow.yml' has no job 'c'")
        #expect(error.hint == "choose one of: a, b")
    }

    @Test("job ids keep file order")
    func jobOrder() throws {
        let parsed = try Workflow.parse(text: "jobs:\n  z:\n    runs-on: x\n  a:\n    runs-on: y\n", file: "w.yml")
        #expect(parsed.jobIDs == ["z", "a"])
        #expect(parsed.file == "w.yml")
    }

    @Test(
        "structural problems are errors",
        arguments: [
            ("", "the workflow file is empty"),
            ("- a", "the workflow must be a mapping"),
            ("name: x", "no 'jobs:' mapping"),
            ("jobs: [a]", "no 'jobs:' mapping"),
            ("jobs:\n  a: x", "the job 'a' must be a mapping"),
            ("jobs: {}\n---\njobs: {}", "a single YAML document"),
        ])
    func structure(_ yaml: String, _ message: String) throws {
        do {
            _ = try Workflow.parse(text: yaml, file: "w.yml")
            Issue.record("no error")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("loading a missing file names the path")
    func missingFile() throws {
        let path = "/nonexistent/berth-\(UInt64.random(in: 0...UInt64.max)).yml"
        do {
            _ = try Workflow.load(path: path)
            Issue.record("no error")
        } catch {
            #expect(error.message == "workflow file '\(path)' not found")
            #expect(error.location == nil)
        }
    }

    @Test("loading a file reads it")
    func loadFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-\(UUID().uuidString).yml").path
        try "jobs:\n  a:\n    container: alpine\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let loaded = try Workflow.load(path: path)
        #expect(loaded.jobIDs == ["a"])
        #expect(try loaded.job("a", context: ExpressionContext()).job.container?.image == "alpine")
    }

    @Test("ad-hoc services from the command line")
    func adHoc() throws {
        let service = try ServiceSpec.adHoc(
            key: "db", image: "postgres:16", env: ["A=1", "B=x=y"], ports: ["5432", "8080:80"],
            options: "--health-cmd pg_isready")
        #expect(service.env == [EnvVar(name: "A", value: "1"), EnvVar(name: "B", value: "x=y")])
        #expect(service.ports.map(\.containerPort) == [5432, 80])
        #expect(service.options.healthCheck?.test == ["CMD-SHELL", "pg_isready"])
        #expect(service.rawOptions == "--health-cmd pg_isready")
        #expect(service.location.file == ServiceSpec.commandLineFile)
    }

    @Test(
        "invalid ad-hoc services are errors",
        arguments: [
            ("", "img", [String](), [String](), "", "invalid service name"),
            ("db", "", [], [], "", "has no image"),
            ("db", "img", ["NOVALUE"], [], "", "invalid environment variable 'NOVALUE'"),
            ("db", "img", [], ["x"], "", "invalid port mapping 'x'"),
            ("db", "img", [], [], "--bogus", "unknown option flag '--bogus'"),
        ])
    func invalidAdHoc(
        _ key: String, _ image: String, _ env: [String], _ ports: [String], _ options: String, _ message: String
    ) {
        do {
            _ = try ServiceSpec.adHoc(key: key, image: image, env: env, ports: ports, options: options)
            Issue.record("no error")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.location == nil)
        }
    }

    @Test("errors and diagnostics print as file:line:column")
    func descriptions() {
        let location = WorkflowSpec.SourceLocation(file: "w.yml", line: 3, column: 7)
        #expect(location.description == "w.yml:3:7")
        #expect(WorkflowError(location: location, message: "bad").description == "w.yml:3:7: bad")
        #expect(WorkflowError(location: nil, message: "bad").description == "bad")
        #expect(Diagnostic(location: location, message: "odd").description == "w.yml:3:7: warning: odd")
    }
}
