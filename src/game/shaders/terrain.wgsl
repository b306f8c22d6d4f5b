// The terrain: the level's colour (vertex colour) times the ground's textures, mixed by the
// shares the level gives each vertex (uv: rock, sand; uv_b: snow; grass is the rest). Rock
// is projected on three planes (no stretching on cliffs); the others from above. Grass is
// sampled at two scales so its tiling does not show from afar.
#import bevy_pbr::{
    pbr_fragment::pbr_input_from_standard_material,
    pbr_functions::alpha_discard,
    mesh_view_bindings::view,
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

@group(#{MATERIAL_BIND_GROUP}) @binding(100) var ground_layers: texture_2d_array<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(101) var ground_sampler: sampler;

fn layer(i: i32, uv: vec2<f32>) -> vec3<f32> {
    return textureSample(ground_layers, ground_sampler, uv, i).rgb * 2.0;
}

// A layer's mean colour: its last (1 × 1) mip level.
fn layer_mean(i: i32) -> vec3<f32> {
    return textureSampleLevel(ground_layers, ground_sampler, vec2<f32>(0.5), i, 8.0).rgb * 2.0;
}

@fragment
fn fragment(in: VertexOutput, @builtin(front_facing) is_front: bool) -> FragmentOutput {
    var pbr_input = pbr_input_from_standard_material(in, is_front);
    let p = in.world_position.xyz;
    let n = normalize(in.world_normal);

    var rock = 0.0;
    var sand = 0.0;
    var snow = 0.0;
#ifdef VERTEX_UVS_A
    rock = in.uv.x;
    sand = in.uv.y;
#endif
#ifdef VERTEX_UVS_B
    snow = in.uv_b.x;
#endif
    let grass = max(1.0 - rock - sand - snow, 0.0);

    // Fine grain fades to its mean with distance, where its tiling would show as rows.
    let fade = smoothstep(35.0, 140.0, distance(p, view.world_position.xyz));
    let near_grass = mix(layer(0, p.xz / 9.0), layer_mean(0), fade);
#ifdef WEBGL2
    // In the browser (SwiftShader, phones) five samples instead of ten: one grass scale, rock
    // projected from above only, sand without its fade.
    let grass_c = near_grass;
    let rock_c = layer(1, p.xz / 11.0);
    let sand_c = layer(2, p.xz / 6.0);
#else
    let far_grass = layer(0, p.xz / 61.0);
    let grass_c = near_grass * (0.55 + 0.45 * far_grass);
    var w = pow(abs(n), vec3<f32>(4.0));
    w = w / (w.x + w.y + w.z);
    let rock_c = layer(1, p.zy / 11.0) * w.x + layer(1, p.xz / 11.0) * w.y + layer(1, p.xy / 11.0) * w.z;
    let sand_c = mix(layer(2, p.xz / 6.0), layer_mean(2), fade);
#endif
    let snow_c = layer(3, p.xz / 13.0);
    let detail = grass_c * grass + rock_c * rock + sand_c * sand + snow_c * snow;

    pbr_input.material.base_color = vec4<f32>(pbr_input.material.base_color.rgb * detail, pbr_input.material.base_color.a);
    // Snow and wet sand shine a little; grass and rock are matte.
    pbr_input.material.perceptual_roughness = clamp(0.95 - 0.35 * snow - 0.1 * sand, 0.3, 1.0);
    pbr_input.material.base_color = alpha_discard(pbr_input.material, pbr_input.material.base_color);

#ifdef PREPASS_PIPELINE
    let out = deferred_output(in, pbr_input);
#else
    var out: FragmentOutput;
    out.color = apply_pbr_lighting(pbr_input);
    out.color = main_pass_post_lighting_processing(pbr_input, out.color);
#endif
    return out;
}
