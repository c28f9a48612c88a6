import Foundation
import NeuralNets

extension FuzzEntry {
    /// Decodes a safetensors file's bytes as every checkpoint read does (`SafeTensorsFile.read`).
    public static func safetensors(_ data: Data) throws {
        _ = try SafeTensorsFile.decode(data, path: "model.safetensors")
    }
}
