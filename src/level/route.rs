//! Routes: closed Catmull-Rom splines through a level's points, for races, the autopilot and
//! putting a car back on the road.

use serde::Deserialize;

use super::Point;

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Route {
    pub id: String,
    pub name: String,
    pub points: Vec<Point>,
}

/// Samples per control-point segment when a route is measured or searched.
const SAMPLES_PER_SEGMENT: usize = 24;

fn catmull_rom(p0: Point, p1: Point, p2: Point, p3: Point, t: f32) -> Point {
    let (t2, t3) = (t * t, t * t * t);
    let f = |a: f32, b: f32, c: f32, d: f32| 0.5 * (2.0 * b + (c - a) * t + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2 + (3.0 * b - a - 3.0 * c + d) * t3);
    (f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1))
}

impl Route {
    /// The point at `t` along the loop: `t` in [0, 1) covers it once (wrapping outside).
    pub fn point_at(&self, t: f32) -> Point {
        let n = self.points.len();
        let s = t.rem_euclid(1.0) * n as f32;
        let i = (s.floor() as usize).min(n - 1);
        let p = |k: usize| self.points[(i + n + k - 1) % n];
        catmull_rom(p(0), p(1), p(2), p(3), s - i as f32)
    }

    /// Evenly spaced parameter samples around the loop.
    pub fn samples(&self) -> Vec<(f32, Point)> {
        let count = self.points.len() * SAMPLES_PER_SEGMENT;
        (0..count).map(|i| i as f32 / count as f32).map(|t| (t, self.point_at(t))).collect()
    }

    pub fn length_m(&self) -> f32 {
        let s = self.samples();
        s.iter().zip(s.iter().cycle().skip(1)).map(|((_, a), (_, b))| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt()).sum()
    }

    /// The route parameter nearest to `p`, and the distance to it: the nearest sample,
    /// refined by a ternary search between its neighbours.
    pub fn nearest(&self, p: Point) -> (f32, f32) {
        let dist = |t: f32| {
            let q = self.point_at(t);
            ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt()
        };
        let samples = self.samples();
        let step = 1.0 / samples.len() as f32;
        let (t0, _) = samples.into_iter().map(|(t, _)| (t, dist(t))).fold((0.0, f32::MAX), |best, c| if c.1 < best.1 { c } else { best });
        let (mut lo, mut hi) = (t0 - step, t0 + step);
        for _ in 0..40 {
            let (a, b) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
            if dist(a) < dist(b) { hi = b } else { lo = a }
        }
        let t = (lo + hi) / 2.0;
        (t.rem_euclid(1.0), dist(t))
    }

    /// The direction of travel at `t`, as an angle from +x towards +z (radians).
    pub fn heading_at(&self, t: f32) -> f32 {
        let (a, b) = (self.point_at(t - 0.001), self.point_at(t + 0.001));
        (b.1 - a.1).atan2(b.0 - a.0)
    }
}
