#include "CBox2D.h"

#include <box2d/box2d.h>
#include <vector>

namespace {

class EventRecorder final : public b2ContactListener {
public:
    std::vector<CB2ContactEvent> events;

    void BeginContact(b2Contact *contact) override { record(contact, true); }
    void EndContact(b2Contact *contact) override { record(contact, false); }

private:
    void record(b2Contact *contact, bool begin) {
        CB2ContactEvent event;
        event.tagA = static_cast<int32_t>(contact->GetFixtureA()->GetUserData().pointer);
        event.tagB = static_cast<int32_t>(contact->GetFixtureB()->GetUserData().pointer);
        event.begin = begin;
        events.push_back(event);
    }
};

class ClosestRay final : public b2RayCastCallback {
public:
    explicit ClosestRay(uint16_t mask) : mask(mask) {}
    uint16_t mask;
    float fraction = 1.0f;
    b2Vec2 point;

    float ReportFixture(b2Fixture *fixture, const b2Vec2 &p, const b2Vec2 &, float f) override {
        if ((fixture->GetFilterData().categoryBits & mask) == 0) return -1.0f;
        fraction = f;
        point = p;
        return f;  // clip the ray: the last report is the closest hit
    }
};

class FixtureCollector final : public b2QueryCallback {
public:
    explicit FixtureCollector(uint16_t mask) : mask(mask) {}
    uint16_t mask;
    std::vector<b2Fixture *> fixtures;
    bool ReportFixture(b2Fixture *fixture) override {
        if (fixture->GetFilterData().categoryBits & mask) fixtures.push_back(fixture);
        return true;
    }
};

b2FixtureDef makeFixtureDef(const b2Shape *shape, CB2FixtureDef def) {
    b2FixtureDef fd;
    fd.shape = shape;
    fd.density = def.density;
    fd.friction = def.friction;
    fd.restitution = def.restitution;
    fd.filter.categoryBits = def.categoryBits;
    fd.filter.maskBits = def.maskBits;
    fd.isSensor = def.isSensor;
    fd.userData.pointer = static_cast<uintptr_t>(static_cast<uint32_t>(def.tag));
    return fd;
}

inline b2World *W(CB2World *w) { return reinterpret_cast<b2World *>(w); }
inline b2Body *B(CB2Body *b) { return reinterpret_cast<b2Body *>(b); }
inline const b2Body *B(const CB2Body *b) { return reinterpret_cast<const b2Body *>(b); }
inline b2RevoluteJoint *J(CB2Joint *j) { return reinterpret_cast<b2RevoluteJoint *>(j); }
inline const b2RevoluteJoint *J(const CB2Joint *j) { return reinterpret_cast<const b2RevoluteJoint *>(j); }
inline CB2Vec2 out(const b2Vec2 &v) { return CB2Vec2{v.x, v.y}; }

struct WorldBox {
    b2World world;
    EventRecorder recorder;
    explicit WorldBox(b2Vec2 gravity) : world(gravity) { world.SetContactListener(&recorder); }
};

// The world pointer handed to C is the b2World inside a WorldBox; recover the box from it.
inline WorldBox *boxOf(CB2World *w) {
    return reinterpret_cast<WorldBox *>(reinterpret_cast<char *>(w) - offsetof(WorldBox, world));
}
inline const WorldBox *boxOf(const CB2World *w) {
    return reinterpret_cast<const WorldBox *>(reinterpret_cast<const char *>(w) - offsetof(WorldBox, world));
}

}  // namespace

extern "C" {

CB2World *cb2_world_create(float gx, float gy) {
    auto *box = new WorldBox(b2Vec2(gx, gy));
    return reinterpret_cast<CB2World *>(&box->world);
}

void cb2_world_destroy(CB2World *world) { delete boxOf(world); }

void cb2_world_step(CB2World *world, float dt, int32_t vi, int32_t pi) { W(world)->Step(dt, vi, pi); }

int32_t cb2_world_event_count(const CB2World *world) {
    return static_cast<int32_t>(boxOf(world)->recorder.events.size());
}

const CB2ContactEvent *cb2_world_events(const CB2World *world) { return boxOf(world)->recorder.events.data(); }

void cb2_world_clear_events(CB2World *world) { boxOf(world)->recorder.events.clear(); }

float cb2_world_raycast(CB2World *world, CB2Vec2 p1, CB2Vec2 p2, uint16_t mask, CB2Vec2 *hit) {
    ClosestRay ray(mask);
    ray.point = b2Vec2(p2.x, p2.y);
    W(world)->RayCast(&ray, b2Vec2(p1.x, p1.y), b2Vec2(p2.x, p2.y));
    if (hit) *hit = out(ray.point);
    return ray.fraction;
}

void cb2_world_raycast_fan(CB2World *world, CB2Vec2 origin, const CB2Vec2 *ends, int32_t count,
                           uint16_t mask, float *fractions, CB2Vec2 *points) {
    // One AABB around the whole fan finds every fixture any ray can touch.
    b2AABB box;
    box.lowerBound.Set(origin.x, origin.y);
    box.upperBound.Set(origin.x, origin.y);
    for (int32_t i = 0; i < count; ++i) {
        box.lowerBound = b2Min(box.lowerBound, b2Vec2(ends[i].x, ends[i].y));
        box.upperBound = b2Max(box.upperBound, b2Vec2(ends[i].x, ends[i].y));
    }
    FixtureCollector collector(mask);
    W(world)->QueryAABB(&collector, box);
    for (int32_t i = 0; i < count; ++i) {
        b2RayCastInput input;
        input.p1.Set(origin.x, origin.y);
        input.p2.Set(ends[i].x, ends[i].y);
        input.maxFraction = 1.0f;
        float best = 1.0f;
        b2Vec2 point = input.p2;
        for (b2Fixture *fixture : collector.fixtures) {
            b2Shape *shape = fixture->GetShape();
            for (int32_t child = 0; child < shape->GetChildCount(); ++child) {
                b2RayCastOutput output;
                if (fixture->RayCast(&output, input, child) && output.fraction < best) {
                    best = output.fraction;
                    point = (1.0f - best) * input.p1 + best * input.p2;  // as b2World::RayCast computes it
                }
            }
        }
        fractions[i] = best;
        points[i] = out(point);
    }
}

CB2Body *cb2_body_create(CB2World *world, CB2BodyType type, float x, float y, float angle) {
    b2BodyDef bd;
    bd.type = static_cast<b2BodyType>(type);
    bd.position.Set(x, y);
    bd.angle = angle;
    return reinterpret_cast<CB2Body *>(W(world)->CreateBody(&bd));
}

void cb2_body_destroy(CB2World *world, CB2Body *body) { W(world)->DestroyBody(B(body)); }

void cb2_body_add_polygon(CB2Body *body, const CB2Vec2 *vertices, int32_t count, CB2FixtureDef def) {
    b2Vec2 points[b2_maxPolygonVertices];
    if (count > b2_maxPolygonVertices) count = b2_maxPolygonVertices;
    for (int32_t i = 0; i < count; ++i) points[i].Set(vertices[i].x, vertices[i].y);
    b2PolygonShape shape;
    shape.Set(points, count);
    b2FixtureDef fd = makeFixtureDef(&shape, def);
    B(body)->CreateFixture(&fd);
}

void cb2_body_add_box(CB2Body *body, float hx, float hy, CB2FixtureDef def) {
    b2PolygonShape shape;
    shape.SetAsBox(hx, hy);
    b2FixtureDef fd = makeFixtureDef(&shape, def);
    B(body)->CreateFixture(&fd);
}

void cb2_body_add_edge(CB2Body *body, CB2Vec2 v1, CB2Vec2 v2, CB2FixtureDef def) {
    b2EdgeShape shape;
    shape.SetTwoSided(b2Vec2(v1.x, v1.y), b2Vec2(v2.x, v2.y));
    b2FixtureDef fd = makeFixtureDef(&shape, def);
    B(body)->CreateFixture(&fd);
}

void cb2_body_add_circle(CB2Body *body, CB2Vec2 center, float radius, CB2FixtureDef def) {
    b2CircleShape shape;
    shape.m_p.Set(center.x, center.y);
    shape.m_radius = radius;
    b2FixtureDef fd = makeFixtureDef(&shape, def);
    B(body)->CreateFixture(&fd);
}

CB2Vec2 cb2_body_position(const CB2Body *body) { return out(B(body)->GetPosition()); }
float cb2_body_angle(const CB2Body *body) { return B(body)->GetAngle(); }
CB2Vec2 cb2_body_linear_velocity(const CB2Body *body) { return out(B(body)->GetLinearVelocity()); }
float cb2_body_angular_velocity(const CB2Body *body) { return B(body)->GetAngularVelocity(); }
bool cb2_body_is_awake(const CB2Body *body) { return B(body)->IsAwake(); }
void cb2_body_set_linear_velocity(CB2Body *body, CB2Vec2 v) { B(body)->SetLinearVelocity(b2Vec2(v.x, v.y)); }
void cb2_body_set_angular_velocity(CB2Body *body, float w) { B(body)->SetAngularVelocity(w); }

CB2Vec2 cb2_body_world_vector(const CB2Body *body, CB2Vec2 local) {
    return out(B(body)->GetWorldVector(b2Vec2(local.x, local.y)));
}

void cb2_body_apply_force_to_center(CB2Body *body, CB2Vec2 force, bool wake) {
    B(body)->ApplyForceToCenter(b2Vec2(force.x, force.y), wake);
}

void cb2_body_apply_linear_impulse(CB2Body *body, CB2Vec2 impulse, CB2Vec2 point, bool wake) {
    B(body)->ApplyLinearImpulse(b2Vec2(impulse.x, impulse.y), b2Vec2(point.x, point.y), wake);
}

void cb2_body_apply_torque(CB2Body *body, float torque, bool wake) { B(body)->ApplyTorque(torque, wake); }

CB2Joint *cb2_revolute_joint_create(CB2World *world, CB2Body *a, CB2Body *b, CB2RevoluteJointDef def) {
    b2RevoluteJointDef jd;
    jd.bodyA = B(a);
    jd.bodyB = B(b);
    jd.localAnchorA.Set(def.localAnchorA.x, def.localAnchorA.y);
    jd.localAnchorB.Set(def.localAnchorB.x, def.localAnchorB.y);
    jd.referenceAngle = B(b)->GetAngle() - B(a)->GetAngle();
    jd.enableMotor = def.enableMotor;
    jd.enableLimit = def.enableLimit;
    jd.maxMotorTorque = def.maxMotorTorque;
    jd.motorSpeed = def.motorSpeed;
    jd.lowerAngle = def.lowerAngle;
    jd.upperAngle = def.upperAngle;
    return reinterpret_cast<CB2Joint *>(W(world)->CreateJoint(&jd));
}

float cb2_revolute_joint_angle(const CB2Joint *joint) { return J(joint)->GetJointAngle(); }
float cb2_revolute_joint_speed(const CB2Joint *joint) { return J(joint)->GetJointSpeed(); }
void cb2_revolute_joint_set_motor_speed(CB2Joint *joint, float speed) { J(joint)->SetMotorSpeed(speed); }
void cb2_revolute_joint_set_max_motor_torque(CB2Joint *joint, float torque) { J(joint)->SetMaxMotorTorque(torque); }

CB2Joint *cb2_friction_joint_create(CB2World *world, CB2Body *ground, CB2Body *body, float maxForce, float maxTorque) {
    b2FrictionJointDef jd;
    jd.Initialize(B(ground), B(body), B(body)->GetWorldCenter());
    jd.maxForce = maxForce;
    jd.maxTorque = maxTorque;
    return reinterpret_cast<CB2Joint *>(W(world)->CreateJoint(&jd));
}

float cb2_body_mass(const CB2Body *body) { return B(body)->GetMass(); }
float cb2_body_inertia(const CB2Body *body) {
    // GetInertia is about the body origin; report it about the centre of mass.
    const b2Body *b = B(body);
    return b->GetInertia() - b->GetMass() * b2Dot(b->GetLocalCenter(), b->GetLocalCenter());
}
CB2Vec2 cb2_body_world_center(const CB2Body *body) {
    b2Vec2 c = B(body)->GetWorldCenter();
    return CB2Vec2{c.x, c.y};
}

}  // extern "C"
