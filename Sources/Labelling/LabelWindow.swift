internal import CGLFW
import Foundation
import SandboxCore
import Rendering

/// Something the window shows and drives with keys: a labelling session, or the ranking editor.
public protocol WindowContent: AnyObject {
    var title: String { get }
    var size: (width: Int, height: Int) { get }
    var isFinished: Bool { get }
    /// Draws the current state.
    func render() -> Frame
    /// Called about 60 times a second with the wall time since the last call.
    func tick(seconds: Double) throws
    /// A typed character (layout-aware): digits, letters, punctuation, space.
    func character(_ character: Character) throws
    /// A non-printing key press.
    func key(_ key: WindowKey, shift: Bool) throws
    /// A left click at a point in content coordinates (pixels of `render()`).
    func click(x: Double, y: Double) throws
}

public enum WindowKey: Sendable { case left, right, up, down, home, end, enter, escape, backspace }

public enum LabelWindowError: Error, CustomStringConvertible {
    case noDisplay(reason: String)
    case openGL(String)

    public var description: String {
        switch self {
        case .noDisplay(let reason):
            return "cannot open the labelling window: \(reason). On a machine without a display use `sandbox label --terminal` "
                + "(clips written to files, answers typed), or run the window under a virtual display with `xvfb-run sandbox label ...`"
        case .openGL(let reason): return "the labelling window could not draw with OpenGL: \(reason)"
        }
    }
}

/// A native window (GLFW 3.3, legacy OpenGL) that shows `WindowContent`'s offscreen frames as a
/// texture and forwards keys and clicks. Returns when the content finishes or the window is closed.
public final class LabelWindow {
    /// Runs `content` in a window. With `screenshot`, writes what the window shows (read back from
    /// OpenGL) to that PNG once the content has drawn, and again whenever F12 is pressed.
    public static func run(_ content: any WindowContent, screenshot: String? = nil) throws {
        if ProcessInfo.processInfo.environment["DISPLAY"].map({ $0.isEmpty }) ?? true,
           ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"].map({ $0.isEmpty }) ?? true {
            throw LabelWindowError.noDisplay(reason: "no display (DISPLAY is not set)")
        }
        var initError = ""
        glfwSetErrorCallback { _, description in
            if let description { FileHandle.standardError.write(Data("glfw: \(String(cString: description))\n".utf8)) }
        }
        guard glfwInit() == GLFW_TRUE else {
            initError = "GLFW could not connect to the display \(ProcessInfo.processInfo.environment["DISPLAY"] ?? "")"
            throw LabelWindowError.noDisplay(reason: initError)
        }
        defer { glfwTerminate() }
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 2)
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 1)
        let (width, height) = content.size
        guard let window = glfwCreateWindow(Int32(width), Int32(height), content.title, nil, nil) else {
            throw LabelWindowError.noDisplay(reason: "the display refused an OpenGL 2.1 window")
        }
        defer { glfwDestroyWindow(window) }
        glfwMakeContextCurrent(window)
        glfwSwapInterval(1)

        let context = WindowContext(content: content)
        let pointer = Unmanaged.passRetained(context)
        defer { pointer.release() }
        glfwSetWindowUserPointer(window, pointer.toOpaque())
        glfwSetCharCallback(window) { window, codepoint in
            guard let context = WindowContext.from(window), let scalar = Unicode.Scalar(codepoint) else { return }
            context.guarded { try context.content.character(Character(scalar)) }
        }
        glfwSetKeyCallback(window) { window, key, _, action, mods in
            guard let context = WindowContext.from(window), action != GLFW_RELEASE else { return }
            if key == GLFW_KEY_F12 { context.screenshotRequested = true; return }
            let map: [Int32: WindowKey] = [GLFW_KEY_LEFT: .left, GLFW_KEY_RIGHT: .right, GLFW_KEY_UP: .up, GLFW_KEY_DOWN: .down,
                                           GLFW_KEY_HOME: .home, GLFW_KEY_END: .end, GLFW_KEY_ENTER: .enter,
                                           GLFW_KEY_KP_ENTER: .enter, GLFW_KEY_ESCAPE: .escape, GLFW_KEY_BACKSPACE: .backspace]
            guard let mapped = map[key] else { return }
            // Held arrow keys repeat only for navigation, never for answers.
            if action == GLFW_REPEAT && (mapped == .left || mapped == .right || mapped == .enter) { return }
            context.guarded { try context.content.key(mapped, shift: mods & GLFW_MOD_SHIFT != 0) }
        }
        glfwSetMouseButtonCallback(window) { window, button, action, _ in
            guard let window, let context = WindowContext.from(window), button == GLFW_MOUSE_BUTTON_LEFT, action == GLFW_PRESS else { return }
            var x = 0.0, y = 0.0
            var w: Int32 = 0, h: Int32 = 0
            glfwGetCursorPos(window, &x, &y)
            glfwGetWindowSize(window, &w, &h)
            let size = context.content.size
            context.guarded { try context.content.click(x: x * Double(size.width) / Double(max(w, 1)), y: y * Double(size.height) / Double(max(h, 1))) }
        }

        var texture: GLuint = 0
        glGenTextures(1, &texture)
        glBindTexture(GLenum(GL_TEXTURE_2D), texture)
        glTexParameteri(GLenum(GL_TEXTURE_2D), GLenum(GL_TEXTURE_MIN_FILTER), GL_LINEAR)
        glTexParameteri(GLenum(GL_TEXTURE_2D), GLenum(GL_TEXTURE_MAG_FILTER), GL_LINEAR)
        glPixelStorei(GLenum(GL_UNPACK_ALIGNMENT), 1)
        defer { glDeleteTextures(1, &texture) }

        var last = Date()
        var wroteFirstScreenshot = false
        var framesDrawn = 0
        while glfwWindowShouldClose(window) == 0 && !content.isFinished && context.error == nil {
            glfwWaitEventsTimeout(1.0 / 60)
            let now = Date()
            context.guarded { try content.tick(seconds: now.timeIntervalSince(last)) }
            last = now
            let frame = content.render()
            var framebufferWidth: Int32 = 0, framebufferHeight: Int32 = 0
            glfwGetFramebufferSize(window, &framebufferWidth, &framebufferHeight)
            glViewport(0, 0, framebufferWidth, framebufferHeight)
            glClearColor(0.1, 0.1, 0.12, 1)
            glClear(GLbitfield(GL_COLOR_BUFFER_BIT))
            frame.pixels.withUnsafeBufferPointer {
                glTexImage2D(GLenum(GL_TEXTURE_2D), 0, GL_RGB, GLsizei(frame.width), GLsizei(frame.height), 0,
                             GLenum(GL_RGB), GLenum(GL_UNSIGNED_BYTE), $0.baseAddress)
            }
            glEnable(GLenum(GL_TEXTURE_2D))
            glBegin(GLenum(GL_QUADS))
            // Texture rows run top to bottom; OpenGL's y runs bottom to top.
            glTexCoord2f(0, 1); glVertex2f(-1, -1)
            glTexCoord2f(1, 1); glVertex2f(1, -1)
            glTexCoord2f(1, 0); glVertex2f(1, 1)
            glTexCoord2f(0, 0); glVertex2f(-1, 1)
            glEnd()
            glDisable(GLenum(GL_TEXTURE_2D))
            let status = glGetError()
            if status != GLenum(GL_NO_ERROR) { throw LabelWindowError.openGL("error 0x\(String(status, radix: 16))") }
            framesDrawn += 1
            if let screenshot, (!wroteFirstScreenshot && framesDrawn >= 3) || context.screenshotRequested {
                try readBack(width: Int(framebufferWidth), height: Int(framebufferHeight)).writePNG(to: screenshot)
                wroteFirstScreenshot = true
                context.screenshotRequested = false
            }
            glfwSwapBuffers(window)
        }
        if let error = context.error { throw error }
    }

    /// The back buffer as an RGB frame, rows top to bottom.
    private static func readBack(width: Int, height: Int) -> Frame {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        glPixelStorei(GLenum(GL_PACK_ALIGNMENT), 1)
        glReadBuffer(GLenum(GL_BACK))
        pixels.withUnsafeMutableBufferPointer {
            glReadPixels(0, 0, GLsizei(width), GLsizei(height), GLenum(GL_RGB), GLenum(GL_UNSIGNED_BYTE), $0.baseAddress)
        }
        var flipped = [UInt8](repeating: 0, count: pixels.count)
        let row = width * 3
        for y in 0..<height {
            flipped[(y * row)..<((y + 1) * row)] = pixels[((height - 1 - y) * row)..<((height - y) * row)]
        }
        return Frame(width: width, height: height, pixels: flipped)
    }
}

/// What the C callbacks reach through the window's user pointer.
private final class WindowContext {
    let content: any WindowContent
    var error: Error?
    var screenshotRequested = false
    init(content: any WindowContent) { self.content = content }

    static func from(_ window: OpaquePointer?) -> WindowContext? {
        guard let window, let raw = glfwGetWindowUserPointer(window) else { return nil }
        return Unmanaged<WindowContext>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Runs `body`, keeping the first error so the loop can stop and report it.
    func guarded(_ body: () throws -> Void) {
        guard error == nil else { return }
        do { try body() } catch { self.error = error }
    }
}
