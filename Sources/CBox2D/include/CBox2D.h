// A plain C API over Box2D 2.4.1 (Debian's libbox2d-dev), so that Swift targets need no C++ interop.
// Units are Box2D's: metres, radians, seconds, kilograms.
#ifndef CBOX2D_H
#define CBOX2D_H

#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CB2World CB2World;
typedef struct CB2Body CB2Body;
typedef struct CB2Joint CB2Joint;

typedef enum { CB2_STATIC = 0, CB2_KINEMATIC = 1, CB2_DYNAMIC = 2 } CB2BodyType;

/// Material and collision filter of a fixture. `tag` is the caller's identifier, reported in contact events.
typedef struct {
    float density;
    float friction;
    float restitution;
    uint16_t categoryBits;
    uint16_t maskBits;
    bool isSensor;
    int32_t tag;
} CB2FixtureDef;

/// One begin- or end-contact event, recorded during a step in the order Box2D reported it.
typedef struct {
    int32_t tagA;
    int32_t tagB;
    bool begin;
} CB2ContactEvent;

typedef struct { float x, y; } CB2Vec2;

CB2World *cb2_world_create(float gravityX, float gravityY);
void cb2_world_destroy(CB2World *world);
void cb2_world_step(CB2World *world, float timeStep, int32_t velocityIterations, int32_t positionIterations);
/// Number of contact events recorded since the last `cb2_world_clear_events`.
int32_t cb2_world_event_count(const CB2World *world);
const CB2ContactEvent *cb2_world_events(const CB2World *world);
void cb2_world_clear_events(CB2World *world);
/// Casts a ray from p1 to p2 and returns the smallest hit fraction among fixtures whose category bits
/// intersect `categoryMask`, or 1 when nothing is hit. `hit` receives the hit point (p2 when nothing is hit).
float cb2_world_raycast(CB2World *world, CB2Vec2 p1, CB2Vec2 p2, uint16_t categoryMask, CB2Vec2 *hit);

/// Casts `count` rays from `origin` to `ends[i]` and writes each ray's closest hit fraction (1 when
/// nothing is hit) and point, among fixtures whose category bits intersect `categoryMask`. Gives the
/// same result as `count` calls of `cb2_world_raycast`, with one broadphase query for the whole fan.
void cb2_world_raycast_fan(CB2World *world, CB2Vec2 origin, const CB2Vec2 *ends, int32_t count,
                           uint16_t categoryMask, float *fractions, CB2Vec2 *points);

CB2Body *cb2_body_create(CB2World *world, CB2BodyType type, float x, float y, float angle);
void cb2_body_destroy(CB2World *world, CB2Body *body);
/// Adds a convex polygon (3 to 8 vertices, body-local coordinates).
void cb2_body_add_polygon(CB2Body *body, const CB2Vec2 *vertices, int32_t count, CB2FixtureDef def);
/// Adds an axis-aligned box of half-extents (hx, hy) centred on the body origin.
void cb2_body_add_box(CB2Body *body, float hx, float hy, CB2FixtureDef def);
/// Adds a two-sided edge segment.
void cb2_body_add_edge(CB2Body *body, CB2Vec2 v1, CB2Vec2 v2, CB2FixtureDef def);
void cb2_body_add_circle(CB2Body *body, CB2Vec2 center, float radius, CB2FixtureDef def);

CB2Vec2 cb2_body_position(const CB2Body *body);
float cb2_body_angle(const CB2Body *body);
CB2Vec2 cb2_body_linear_velocity(const CB2Body *body);
float cb2_body_angular_velocity(const CB2Body *body);
void cb2_body_set_linear_velocity(CB2Body *body, CB2Vec2 velocity);
void cb2_body_set_angular_velocity(CB2Body *body, float omega);
bool cb2_body_is_awake(const CB2Body *body);
/// Direction `local` rotated into world coordinates.
CB2Vec2 cb2_body_world_vector(const CB2Body *body, CB2Vec2 local);
void cb2_body_apply_force_to_center(CB2Body *body, CB2Vec2 force, bool wake);
void cb2_body_apply_linear_impulse(CB2Body *body, CB2Vec2 impulse, CB2Vec2 point, bool wake);
void cb2_body_apply_torque(CB2Body *body, float torque, bool wake);

typedef struct {
    CB2Vec2 localAnchorA;
    CB2Vec2 localAnchorB;
    bool enableMotor;
    bool enableLimit;
    float maxMotorTorque;
    float motorSpeed;
    float lowerAngle;
    float upperAngle;
} CB2RevoluteJointDef;

CB2Joint *cb2_revolute_joint_create(CB2World *world, CB2Body *bodyA, CB2Body *bodyB, CB2RevoluteJointDef def);
float cb2_revolute_joint_angle(const CB2Joint *joint);
float cb2_revolute_joint_speed(const CB2Joint *joint);
void cb2_revolute_joint_set_motor_speed(CB2Joint *joint, float speed);
void cb2_revolute_joint_set_max_motor_torque(CB2Joint *joint, float torque);

/// A friction joint between a body and (usually) a static ground body: top-down friction that resists
/// relative motion with at most `maxForce` (N) and `maxTorque` (N·m), as a table resists a pushed block.
CB2Joint *cb2_friction_joint_create(CB2World *world, CB2Body *ground, CB2Body *body, float maxForce, float maxTorque);

/// Mass (kg) and rotational inertia about the centre of mass (kg·m²) from the body's fixtures.
float cb2_body_mass(const CB2Body *body);
float cb2_body_inertia(const CB2Body *body);
/// Position of the centre of mass in world coordinates.
CB2Vec2 cb2_body_world_center(const CB2Body *body);

#ifdef __cplusplus
}
#endif

#endif
