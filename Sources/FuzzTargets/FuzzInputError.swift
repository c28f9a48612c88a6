/// An input an entry point refuses before (or besides) the parser it wraps: text that is not UTF-8, or
/// the collected errors of a command line's option values.
public struct FuzzInputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
