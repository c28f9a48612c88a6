import Foundation
import SandboxCLI

extension FuzzEntry {
    /// Splits the bytes into a command line, one argument per line (invalid UTF-8 repaired, as a
    /// process's arguments are), and parses it with every typed option value in it
    /// (`SandboxCLI.checkOptions`); no command is run.
    public static func arguments(_ data: Data) throws {
        let argv = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let errors = SandboxCLI.checkOptions(argv)
        if !errors.isEmpty { throw FuzzInputError(errors.joined(separator: "; ")) }
    }
}
