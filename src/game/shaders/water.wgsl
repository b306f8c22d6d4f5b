// Water: the standard material's lighting with a surface of moving waves (four sines,
// per pixel), and the sky reflected by Fresnel's law: the same gradient as the sky dome,
// seen along the reflected ray. Clear-ish looking down, a mirror of the sky at grazing
// angles, glints of the sun on the crests.
#import bevy_pbr::{
    pbr_fragment::pbr_input_from_standard_material,
    pbr_functions::alpha_discard,
    mesh_view_bindings::globals,
}

#ifdef PREPASS_PIPELINE
#import bevy_pbr::{
    prepass_io::{VertexOutput, FragmentOutput},
    pbr_deferred_functions::deferred_output,
}
#else
#import bevy_pbr::{
    forward_io::{VertexOutput, FragmentOutput},
    pbr_functions::{apply_pbr_lighting, main_pass_post_lighting_processing},
}
#endif

struct WaterSky {
    horizon: vec4<f32>,
    sky: vec4<f32>,
    zenith: vec4<f32>,
}

@group(#{MATERIAL_BIND_GROUP}) @binding(100) var<uniform> water_sky: WaterSky;

// The slope (d height / dx, d height / dz) of the waves at p.
fn wave_slope(p: vec2<f32>, t: f32) -> vec2<f32> {
    var slope = vec2<f32>(0.0);
    let dirs = array<vec2<f32>, 4>(vec2<f32>(0.8, 0.6), vec2<f32>(-0.5, 0.87), vec2<f32>(0.96, -0.28), vec2<f32>(-0.2, -0.98));
    let lengths = array<f32, 4>(9.0, 5.3, 3.1, 1.7);
    let heights = array<f32, 4>(0.10, 0.06, 0.035, 0.02);
    for (var i = 0; i < 4; i++) {
        let k = 6.2831853 / lengths[i];
        // Deep-water waves: speed grows with the root of the wavelength.
        let speed = sqrt(9.81 / k);
        let phase = k * (dot(dirs[i], p) - speed * t);
        slope += dirs[i] * (heights[i] * k * cos(phase));
    }
    return slope;
}

fn sky_along(dir: vec3<f32>) -> vec3<f32> {
    let up = max(dir.y, 0.0);
    let low = smoothstep(0.0, 0.04, up);
    let high = pow(clamp((up - 0.04) / 0.4, 0.0, 1.0), 0.6);
    return mix(mix(water_sky.horizon.rgb, water_sky.sky.rgb, low), water_sky.zenith.rgb, high);
}

@fragment
fn fragment(in: VertexOutput, @builtin(front_facing) is_front: bool) -> FragmentOutput {
    var pbr_input = pbr_input_from_standard_material(in, is_front);
    let s = wave_slope(in.world_position.xz, globals.time);
    let n = normalize(vec3<f32>(-s.x, 1.0, -s.y));
    // Lighting sees the waves; shadows keep the flat surface's normal.
    pbr_input.N = n;
    pbr_input.material.base_color = alpha_discard(pbr_input.material, pbr_input.material.base_color);

#ifdef PREPASS_PIPELINE
    let out = deferred_output(in, pbr_input);
#else
    var out: FragmentOutput;
    out.color = apply_pbr_lighting(pbr_input);
    let v = pbr_input.V;
    let r = reflect(-v, n);
    let fresnel = 0.02 + 0.98 * pow(1.0 - max(dot(n, v), 0.0), 5.0);
    out.color = vec4<f32>(mix(out.color.rgb, sky_along(r), fresnel), mix(out.color.a, 1.0, fresnel));
    out.color = main_pass_post_lighting_processing(pbr_input, out.color);
#endif
    return out;
}
