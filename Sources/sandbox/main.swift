import Foundation
import SandboxCLI

exit(SandboxCLI.run(Array(CommandLine.arguments.dropFirst())))
