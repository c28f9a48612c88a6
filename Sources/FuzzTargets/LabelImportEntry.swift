import Foundation
import RewardLearning

extension FuzzEntry {
    /// Decodes and checks the lines of a JSON Lines export as `sandbox queries import` does before it
    /// writes to the store (`QueryImport`); the store's inserts are left to the tests.
    public static func labelImport(_ data: Data) throws {
        _ = try QueryImport(file: "fuzz.jsonl", data: data)
    }
}
