import EngineAPI
import Foundation

/// Builds the image reapers run in, from Berth's own binary and the shared libraries it has
/// loaded, so no registry and no user image is needed.
///
/// The libraries are the file-backed mappings in `/proc/self/maps`, which covers both a binary
/// linked against the Swift runtime and one built with `--static-swift-stdlib`. The tag is a
/// content hash: the GNU build id of each file (or its size and modification time when it has
/// none), so a rebuilt Berth gets a new image and an unchanged one reuses the old.
public struct ReaperImage: Sendable {
    /// The repository every reaper image is tagged in.
    public static let repository = "localhost/berth-reaper"

    let engine: EngineClient
    let reporter: Reporter

    /// Creates a builder.
    public init(engine: EngineClient, reporter: Reporter) {
        self.engine = engine
        self.reporter = reporter
    }

    /// Returns the tag of the reaper image for this binary, building it on first use.
    ///
    /// Routes: `GET /images/{name}/json`, then `POST /build` when the image is missing.
    public func ensure() async throws -> String {
        let files = try Self.runtimeFiles()
        let tag = try Self.currentTag(files)
        if try await engine.inspectImage(tag) != nil {
            return tag
        }

        reporter.info("building the reaper image \(tag) from this binary (once per build of Berth)")
        let context = try Self.buildContext(files)
        do {
            try await engine.buildImage(context: context, tag: tag, labels: [BerthLabel.role: "reaper-image"]) { _ in }
        } catch let error as EngineError {
            throw BerthError(
                "cannot build the reaper image \(tag): \(error.message)",
                hint: "The daemon must accept builds (POST /build); set BERTH_NO_REAPER=1 to run without a reaper.")
        }
        return tag
    }

    /// The tag of the reaper image for this very binary.
    static func currentTag(_ known: RuntimeFiles? = nil) throws(BerthError) -> String {
        let files: RuntimeFiles
        if let known {
            files = known
        } else {
            files = try runtimeFiles()
        }
        return "\(repository):\(fingerprint(files))"
    }

    /// The executable and every shared object mapped into this process.
    struct RuntimeFiles {
        var executable: String
        var interpreter: String?
        var libraries: [String]
    }

    static func runtimeFiles() throws(BerthError) -> RuntimeFiles {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw BerthError("cannot find Berth's own executable through /proc/self/exe")
        }
        let maps = ProcFile.read("/proc/self/maps") ?? ""
        var libraries: [String] = []
        for line in maps.split(separator: "\n") {
            guard let pathStart = line.firstIndex(of: "/") else { continue }
            let path = String(line[pathStart...])
            if path != executable, path.contains(".so"), !libraries.contains(path),
                FileManager.default.isReadableFile(atPath: path)
            {
                libraries.append(path)
            }
        }
        return RuntimeFiles(
            executable: executable, interpreter: ELFFile(path: executable)?.interpreter, libraries: libraries)
    }

    /// Hashes what ends up in the image: each library by content and path, and the executable by
    /// content only, because it goes to the same path in the image wherever it ran from.
    static func fingerprint(_ files: RuntimeFiles) -> String {
        var text = "berth \(BerthVersion.current)\n"
        let named = [("executable", files.executable)] + files.libraries.map { ($0, $0) }
        for (name, path) in named {
            if let buildID = ELFFile(path: path)?.buildID {
                text += "\(name) \(buildID)\n"
            } else {
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                text += "\(name) \(size) \(modified)\n"
            }
        }
        return String(SHA256.hex(Array(text.utf8)).prefix(16))
    }

    static func buildContext(_ files: RuntimeFiles) throws(BerthError) -> [UInt8] {
        var archive = TarArchive()
        try archive.addFile("rootfs/usr/local/bin/berth", contents: try read(files.executable), mode: 0o755)
        var directories: [String] = []
        for library in files.libraries {
            try archive.addFile("rootfs" + library, contents: try read(library), mode: 0o755)
            for alias in aliases(of: library) {
                try archive.addSymlink("rootfs" + alias, target: (library as NSString).lastPathComponent)
            }
            let directory = (library as NSString).deletingLastPathComponent
            if !directories.contains(directory) {
                directories.append(directory)
            }
        }
        if let interpreter = files.interpreter, let loader = files.libraries.first(where: { $0.contains("/ld-linux") }),
            !files.libraries.contains(interpreter)
        {
            try archive.addFile("rootfs" + interpreter, contents: try read(loader), mode: 0o755)
        }

        let dockerfile = """
            FROM scratch
            COPY rootfs/ /
            ENV LD_LIBRARY_PATH=\(directories.joined(separator: ":"))
            ENTRYPOINT ["/usr/local/bin/berth", "reap"]

            """
        try archive.addFile("Dockerfile", contents: Array(dockerfile.utf8))
        archive.finish()
        return archive.bytes
    }

    /// Symbolic links beside a library that point at it, such as `libstdc++.so.6`, because the
    /// loader looks libraries up by those names while `/proc/self/maps` shows the real file.
    private static func aliases(of library: String) -> [String] {
        let directory = (library as NSString).deletingLastPathComponent
        let name = (library as NSString).lastPathComponent
        let stem = String(name.prefix { $0 != "." })
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { $0 != name && $0.hasPrefix(stem) }.map { directory + "/" + $0 }.filter { path in
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                return false
            }
            return (destination as NSString).lastPathComponent == name
        }
    }

    private static func read(_ path: String) throws(BerthError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BerthError("cannot read '\(path)' for the reaper image")
        }
        return Array(data)
    }
}
