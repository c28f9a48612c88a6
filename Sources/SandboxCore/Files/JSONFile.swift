import Foundation

/// Decodes a JSON file's contents, with errors a person can act on: a field's problem at its path,
/// "not valid JSON" only when the text really is not JSON, and a number too large or negative for its
/// field said as such (Foundation reports those as invalid JSON).
public func decodeJSONFile<T: Decodable>(_ type: T.Type, from data: Data) throws(JSONFileError) -> T {
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
           (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil {
            throw .badValue("a number in it does not fit its field (too large, negative, or not whole where a count is expected)")
        }
        throw .badValue(describe(error))
    } catch {
        throw .badValue("not valid JSON")
    }
}

/// Why a JSON file did not decode (the caller names the file).
public enum JSONFileError: Error, CustomStringConvertible {
    case badValue(String)
    public var description: String {
        switch self {
        case .badValue(let reason): return reason
        }
    }
}
