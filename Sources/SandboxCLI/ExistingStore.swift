import Foundation
import RewardLearning

/// Opens the label store that a command reads or answers (`queries show|answer|export`, `label`,
/// `labels stats`, `fit-reward`): it must exist, and nothing is created. A missing file, or one that
/// is not a label store, is a usage error (exit 2) saying how to make a store; only the commands that
/// create queries (`queries make|import`, `pbrl`, `qdhf`) make one, through `LabelStore(path:)`.
func openExistingStore(_ path: String) throws -> LabelStore {
    do {
        return try LabelStore(existingAt: path)
    } catch let error as LabelStoreError {
        switch error {
        case .missing, .notAStore: throw UsageError(error.description)
        default: throw error
        }
    }
}

/// Opens the label store at `path` for a command that writes queries, making it when missing; a file
/// that is not a label store is a usage error (exit 2), left untouched.
func openOrMakeStore(_ path: String) throws -> LabelStore {
    do {
        return try LabelStore(path: path)
    } catch let error as LabelStoreError {
        if case .notAStore = error { throw UsageError(error.description) }
        throw error
    }
}
