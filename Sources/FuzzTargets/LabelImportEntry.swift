import Foundation
import RewardLearning

extension FuzzEntry {
    /// Decodes and checks the lines of a JSON Lines export as `sandbox queries import` does before it
    /// writes to the store (`LabelStore.decodeImport`); the store's inserts are left to the tests.
    public static func labelImport(_ data: Data) throws {
        // `importQueries(from:)` refuses a file that is not UTF-8 before it reads any line.
        guard let text = String(data: data, encoding: .utf8) else { throw FuzzInputError("the import is not UTF-8 text") }
        _ = try LabelStore.decodeImport(text)
    }
}
