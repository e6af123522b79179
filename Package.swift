// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Berth",
    products: [
        .executable(name: "berth", targets: ["berth"]),
        .library(name: "Berth", targets: ["Berth"]),
        .library(name: "EngineAPI", targets: ["EngineAPI"]),
        .library(name: "WorkflowSpec", targets: ["WorkflowSpec"]),
    ],
    targets: [
        .target(name: "EngineAPI"),
        .target(name: "WorkflowSpec"),
        .target(name: "Berth", dependencies: ["EngineAPI", "WorkflowSpec"]),
        .target(name: "SystemShims"),
        .target(name: "BerthCLI", dependencies: ["Berth", "EngineAPI", "WorkflowSpec", "SystemShims"]),
        .executableTarget(name: "berth", dependencies: ["BerthCLI"]),
        .target(name: "BerthTestSupport", dependencies: ["EngineAPI", "SystemShims"], path: "Tests/BerthTestSupport"),
        .testTarget(name: "EngineAPITests", dependencies: ["EngineAPI", "SystemShims"]),
        .testTarget(name: "WorkflowSpecTests", dependencies: ["WorkflowSpec"]),
        .testTarget(name: "BerthTests", dependencies: ["Berth", "EngineAPI", "WorkflowSpec", "BerthTestSupport"]),
        .testTarget(name: "BerthCLITests", dependencies: ["BerthCLI", "Berth", "EngineAPI", "BerthTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
