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
        .testTarget(name: "EngineAPITests", dependencies: ["EngineAPI"]),
        .testTarget(name: "WorkflowSpecTests", dependencies: ["WorkflowSpec"]),
        .testTarget(name: "BerthTests", dependencies: ["Berth", "EngineAPI", "WorkflowSpec"]),
        .testTarget(name: "BerthCLITests", dependencies: ["BerthCLI", "Berth", "EngineAPI"]),
    ],
    swiftLanguageModes: [.v6]
)
