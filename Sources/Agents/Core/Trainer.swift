import Foundation
import NeuralNets
import SandboxCore
import Rendering

/// A finished training episode: its return under the training reward, under the task's own reward,
/// and its length.
public struct EpisodeStatistics: Codable, Sendable {
    public var trainingReturn: Double
    public var trueReturn: Double
    public var length: Int
}

/// Transitions as an agent takes them, one entry per copy of the task: the observation before the
/// step, the action, the step's reward-term values, and whether the episode ended there (terminated or
/// truncated). A reward learner that labels the agent's own experience (HERON) watches these.
public struct ObservedTransitions: Sendable {
    public var observations: [[Float]]
    public var actions: [[Float]]
    public var terms: [[Double]]
    public var episodeEnded: [Bool]
    /// Whether the task terminated the episode (not the time limit), and then the state it ended in.
    public var terminated: [Bool]
    public var finalObservations: [[Float]?]
    public init(observations: [[Float]], actions: [[Float]], terms: [[Double]], episodeEnded: [Bool],
                terminated: [Bool], finalObservations: [[Float]?]) {
        self.observations = observations
        self.actions = actions
        self.terms = terms
        self.episodeEnded = episodeEnded
        self.terminated = terminated
        self.finalObservations = finalObservations
    }
}

/// What `sandbox train` drives: PPO and SAC both advance in iterations and can save and restore their
/// whole state.
public protocol Trainer: AnyObject {
    /// Called with every step's transitions (all copies at once), when set.
    var transitionObserver: ((ObservedTransitions) -> Void)? { get set }
    var algorithm: Algorithm { get }
    var task: TaskSpec { get }
    /// Environment steps taken so far, over all copies.
    var globalStep: Int { get }
    var policy: Policy { get }
    /// Episodes that finished since the last call (drained by the caller).
    func drainFinishedEpisodes() -> [EpisodeStatistics]
    /// One iteration: PPO collects a rollout and updates; SAC takes a chunk of steps with its updates.
    /// Returns named metrics (`losses/value_loss`, …).
    func iterate() throws -> [String: Double]
    /// Everything needed to continue training: networks, optimiser moments, normalisers, counters.
    func saveState(to url: URL) throws
    func loadState(from url: URL) throws
}

/// Encodes a configuration to JSON text (for checkpoint metadata).
func jsonString<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Tensors of an optimiser's state under a prefix.
func optimizerTensors(_ adam: Adam, prefix: String) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: adam.state.map { ("\(prefix).\($0.key)", $0.value) })
}

func loadOptimizer(_ adam: Adam, from file: SafeTensorsFile, prefix: String) throws {
    var state: [String: Tensor] = [:]
    for (name, tensor) in file.tensors where name.hasPrefix(prefix + ".") {
        state[String(name.dropFirst(prefix.count + 1))] = tensor
    }
    try adam.load(state: state)
}

/// Loads the parameters of `container` stored under `prefix.` in `file`.
func loadParameters(_ container: some ParameterContainer, from file: SafeTensorsFile, prefix: String) throws {
    let renamed = file.tensors.compactMap { entry -> (name: String, tensor: Tensor)? in
        entry.name.hasPrefix(prefix + ".") ? (String(entry.name.dropFirst(prefix.count + 1)), entry.tensor) : nil
    }
    var prefixed = SafeTensorsFile(tensors: renamed)
    prefixed.path = file.path
    try container.load(prefixed)
}

func prefixedParameters(_ container: some ParameterContainer, prefix: String) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: container.namedParameters.map { ("\(prefix).\($0.name)", $0.tensor.detached()) })
}

/// Checkpoint metadata shared by the trainers: algorithm, its configuration, step count and RNG state.
func trainerMetadata<C: Encodable>(algorithm: String, configuration: C, globalStep: Int, generator: SeededGenerator,
                                   policy: Policy) throws -> [String: String] {
    try policy.checkpointMetadata().merging([
        "sandbox.algorithm": algorithm,
        "sandbox.trainer": try jsonString(configuration),
        "sandbox.global_step": String(globalStep),
        "sandbox.generator": try jsonString(generator),
    ]) { a, _ in a }
}

func restoreTrainerMetadata(_ file: SafeTensorsFile, path: String, algorithm: String) throws -> (Int, SeededGenerator) {
    guard file.metadata["sandbox.algorithm"] == algorithm else {
        throw AgentError.checkpointMismatch("checkpoint \(path) was written by \(file.metadata["sandbox.algorithm"] ?? "no trainer"), not \(algorithm); resume with --algo \(file.metadata["sandbox.algorithm"] ?? "?")")
    }
    guard let stepText = file.metadata["sandbox.global_step"], let step = Int(stepText),
          let generatorText = file.metadata["sandbox.generator"],
          let generator = try? JSONDecoder().decode(SeededGenerator.self, from: Data(generatorText.utf8)) else {
        throw AgentError.checkpointMismatch("checkpoint \(path) lacks the training state (step count, random state); it is a policy only, not a training checkpoint")
    }
    return (step, generator)
}

/// Saves a trainer's state: the policy (as a loadable policy checkpoint) plus `extra` tensors and the
/// trainer metadata.
func saveTrainerState<C: Encodable>(policy: Policy, algorithm: String, configuration: C, globalStep: Int, generator: SeededGenerator,
                                    extra: [String: Tensor], to url: URL) throws {
    try Checkpoint.save(policy, kind: Policy.checkpointKind, configuration: policy.configuration, extra: extra,
                        metadata: trainerMetadata(algorithm: algorithm, configuration: configuration, globalStep: globalStep,
                                                  generator: generator, policy: policy),
                        to: url)
}

/// Reads a training checkpoint for `policy`'s architecture and `algorithm`, loads the policy and its
/// observation statistics, and returns the file with the saved step count and random state. A
/// checkpoint of another architecture, another algorithm, or without training state is refused before
/// anything is loaded.
func readTrainerState(from url: URL, policy: Policy, algorithm: String) throws -> (file: SafeTensorsFile, step: Int, generator: SeededGenerator) {
    let (saved, file) = try Checkpoint.read(url, kind: Policy.checkpointKind, configuration: PolicyConfiguration.self)
    guard saved == policy.configuration else {
        throw AgentError.checkpointMismatch("checkpoint \(url.path) is for a different policy (\(saved.algorithm) on \(saved.taskID), hidden \(saved.hiddenSizes)); resume with the settings it was trained with")
    }
    let (step, generator) = try restoreTrainerMetadata(file, path: url.path, algorithm: algorithm)
    try policy.load(file)
    try policy.loadNormalizer(from: file)
    return (file, step, generator)
}
