/// Reads one `services.<key>` entry or the job's `container:` into a `ServiceSpec`.
///
/// The keys and value types follow GitHub's workflow schema: a service is an image string or a mapping
/// of `image`, `options`, `env`, `ports`, `volumes`, `credentials`, and for services (not the job
/// container) `entrypoint` and `command`, both strings.
struct ServiceReader {
    let job: JobContext
    /// "services.redis" or "container", the prefix of field names in messages.
    let field: String
    let isContainer: Bool

    static let serviceKeys = ["image", "options", "env", "ports", "volumes", "credentials", "entrypoint", "command"]
    static let containerKeys = ["image", "options", "env", "ports", "volumes", "credentials"]

    /// Reads the service; returns nil when its image resolves to "", which GitHub skips.
    func read(key: String, keyNode: YAMLNode, node: YAMLNode) throws(WorkflowError) -> ServiceSpec? {
        if node.scalar != nil && !node.isNull {
            guard let image = try image(from: node) else { return nil }
            return ServiceSpec(key: key, image: image, location: keyNode.location)
        }
        guard let pairs = node.pairs else {
            throw WorkflowError(
                location: node.location,
                message: "\(field) must be a mapping or an image name, not \(node.kindDescription)",
                hint: "write '\(field): image' or give it an 'image:' key")
        }
        try checkKeys(pairs)
        guard let imageNode = node.value(forKey: "image") else {
            throw WorkflowError(
                location: keyNode.location, message: "\(field) has no image", hint: "add an 'image:' key")
        }
        guard let image = try image(from: imageNode) else { return nil }
        var service = ServiceSpec(key: key, image: image, location: keyNode.location)
        try readFields(node, into: &service)
        return service
    }

    private func checkKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(WorkflowError) {
        let valid = isContainer ? Self.containerKeys : Self.serviceKeys
        for pair in pairs {
            let name = pair.key.keyText ?? ""
            guard !valid.contains(name) else { continue }
            var hint = "the valid keys are \(valid.joined(separator: ", "))"
            if isContainer && Self.serviceKeys.contains(name) {
                hint = "GitHub Actions accepts '\(name)' only for services, not for the job container"
            }
            throw WorkflowError(location: pair.key.location, message: "unknown key '\(name)' in \(field)", hint: hint)
        }
    }

    /// Returns the image with a `docker://` prefix removed, or nil when an expression makes it empty.
    private func image(from node: YAMLNode) throws(WorkflowError) -> String? {
        let image = try job.string(node, scope: .serviceField("\(field).image"))
        guard !image.text.isEmpty else {
            guard image.containsExpression else {
                throw WorkflowError(
                    location: node.location, message: "the image of \(field) is empty",
                    hint: "GitHub Actions rejects an empty image; give an image name")
            }
            return nil
        }
        return ServiceSpec.stripDockerScheme(image.text)
    }

    private func readFields(_ node: YAMLNode, into service: inout ServiceSpec) throws(WorkflowError) {
        if let env = node.value(forKey: "env") {
            service.env = try readEnv(env)
        }
        if let ports = node.value(forKey: "ports") {
            for item in try strings(in: ports, name: "ports") {
                service.ports += try PortSpec.parse(item.text, location: item.node.location)
            }
        }
        if let volumes = node.value(forKey: "volumes") {
            service.volumes = try strings(in: volumes, name: "volumes").map(\.text)
        }
        if let options = node.value(forKey: "options"), !options.isNull {
            let text = try job.string(options, scope: .serviceField("\(field).options"))
            service.rawOptions = text.text
            service.options = try OptionsParser.parse(text.text, locate: text.location(atOffset:))
        }
        if let credentials = node.value(forKey: "credentials") {
            service.credentials = try readCredentials(credentials)
        }
        if let entrypoint = node.value(forKey: "entrypoint"), !entrypoint.isNull {
            service.entrypoint = try job.string(entrypoint, scope: .serviceField("\(field).entrypoint")).text
        }
        if let command = node.value(forKey: "command"), !command.isNull {
            service.command = try readCommand(command)
        }
    }

    private func readEnv(_ node: YAMLNode) throws(WorkflowError) -> [EnvVar] {
        if node.isNull { return [] }
        guard let pairs = node.pairs else {
            throw WorkflowError(
                location: node.location, message: "\(field).env must be a mapping, not \(node.kindDescription)")
        }
        var variables: [EnvVar] = []
        for pair in pairs {
            let name = pair.key.keyText ?? ""
            guard !name.isEmpty else {
                throw WorkflowError(
                    location: pair.key.location, message: "an environment variable in \(field).env has no name")
            }
            let value = try job.string(pair.value, scope: .serviceSecrets("\(field).env.\(name)"))
            variables.append(EnvVar(name: name, value: value.text))
        }
        return variables
    }

    /// Returns the items of a sequence of non-empty strings, such as `ports:`.
    private func strings(in node: YAMLNode, name: String) throws(WorkflowError) -> [SubstitutedText] {
        if node.isNull { return [] }
        guard let items = node.items else {
            throw WorkflowError(
                location: node.location, message: "\(field).\(name) must be a sequence, not \(node.kindDescription)",
                hint: "write each entry on its own '- ' line")
        }
        var texts: [SubstitutedText] = []
        for item in items {
            let text = try job.string(item, scope: .serviceField("\(field).\(name)"))
            guard !text.text.isEmpty else {
                throw WorkflowError(location: item.location, message: "an entry of \(field).\(name) is empty")
            }
            texts.append(text)
        }
        return texts
    }

    private func readCredentials(_ node: YAMLNode) throws(WorkflowError) -> Credentials? {
        if node.isNull { return nil }
        guard let pairs = node.pairs else {
            throw WorkflowError(
                location: node.location, message: "\(field).credentials must be a mapping of username and password")
        }
        var username = ""
        var password = ""
        for pair in pairs {
            let name = pair.key.keyText ?? ""
            guard name == "username" || name == "password" else {
                throw WorkflowError(
                    location: pair.key.location, message: "unknown key '\(name)' in \(field).credentials",
                    hint: "the valid keys are username and password")
            }
            let value = try job.string(pair.value, scope: .serviceSecrets("\(field).credentials.\(name)")).text
            if name == "username" {
                username = value
            } else {
                password = value
            }
        }
        return username.isEmpty && password.isEmpty ? nil : Credentials(username: username, password: password)
    }

    /// Splits `command:` as the runner does; GitHub's schema accepts only a string here.
    private func readCommand(_ node: YAMLNode) throws(WorkflowError) -> [String] {
        guard node.scalar != nil else {
            throw WorkflowError(
                location: node.location, message: "\(field).command must be a string, not \(node.kindDescription)",
                hint: "GitHub Actions accepts only a string here; write the arguments on one line")
        }
        let text = try job.string(node, scope: .serviceField("\(field).command"))
        do {
            return try ShellWords.words(in: text.text).map(\.text)
        } catch {
            throw WorkflowError(
                location: text.location(atOffset: error.offset),
                message: "unterminated double quote in \(field).command",
                hint: ShellWords.UnterminatedQuote.hint)
        }
    }
}
