// GLFW 3.3 (libglfw3-dev) with the legacy OpenGL 1.x header it includes for drawing textures.
#include <GLFW/glfw3.h>
