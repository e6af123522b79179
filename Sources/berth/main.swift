import BerthCLI
import Foundation

let status = await BerthMain.main(
    Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
