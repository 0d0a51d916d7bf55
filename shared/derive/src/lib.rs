//! `#[derive(FromJson)]`: reads a wire type out of a parsed `serde_json::Value` (see `shared::wire`).
//!
//! It follows the type's own `#[serde(...)]` attributes, so each wire type is still defined once: field names,
//! `rename`, `rename_all` and `default` mean what they mean to serde. Attributes that would change how the JSON
//! is read and that this derive does not implement (`flatten`, `tag`, `with`, `alias`, …) are compile errors, so
//! the two readers cannot quietly disagree. Supported shapes: structs with named fields, and enums whose variants
//! are all unit variants (read from a string).
//!
//! Why not serde's derive in the browser: it generates a map visitor, a sequence visitor and a field-name visitor
//! per type, about 25 kB of the web UI's compressed wasm for ~20 response types. This generates one field lookup
//! per field.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Fields, LitStr, parse_macro_input, spanned::Spanned};

#[proc_macro_derive(FromJson, attributes(serde))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let container = Serde::read(&input.attrs, Level::Container)?;
    let name = &input.ident;
    let body = match &input.data {
        Data::Struct(data) => {
            let Fields::Named(fields) = &data.fields else {
                return Err(syn::Error::new(
                    data.fields.span(),
                    "FromJson: only structs with named fields",
                ));
            };
            let mut reads = Vec::new();
            for field in &fields.named {
                let attrs = Serde::read(&field.attrs, Level::Field)?;
                let ident = field.ident.as_ref().expect("named field");
                let key = attrs.rename.clone().unwrap_or_else(|| {
                    container
                        .rename_all
                        .apply(ident.to_string().trim_start_matches("r#"))
                });
                let read = if attrs.default || container.default {
                    quote!(::shared::wire::field_or_default(object, #key)?)
                } else {
                    quote!(::shared::wire::field(object, #key)?)
                };
                reads.push(quote!(#ident: #read));
            }
            quote! {
                let object = value.as_object()?;
                ::core::option::Option::Some(Self { #(#reads),* })
            }
        }
        Data::Enum(data) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                if !matches!(variant.fields, Fields::Unit) {
                    return Err(syn::Error::new(
                        variant.span(),
                        "FromJson: only unit variants (write FromJson by hand for enums with data)",
                    ));
                }
                let attrs = Serde::read(&variant.attrs, Level::Variant)?;
                let ident = &variant.ident;
                let key = attrs
                    .rename
                    .clone()
                    .unwrap_or_else(|| container.rename_all.apply(&ident.to_string()));
                arms.push(quote!(#key => ::core::option::Option::Some(Self::#ident)));
            }
            quote! {
                match value.as_str()? {
                    #(#arms,)*
                    _ => ::core::option::Option::None,
                }
            }
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "FromJson: unions are not supported",
            ));
        }
    };

    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param
            .bounds
            .push(syn::parse_quote!(::shared::wire::FromJson));
    }
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::shared::wire::FromJson for #name #type_generics #where_clause {
            fn from_json(value: &::shared::wire::Value) -> ::core::option::Option<Self> {
                #body
            }
        }
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Container,
    Variant,
    Field,
}

/// The `#[serde(...)]` attributes that matter when reading JSON.
#[derive(Default)]
struct Serde {
    rename: Option<String>,
    rename_all: Case,
    default: bool,
}

impl Serde {
    fn read(attrs: &[Attribute], level: Level) -> syn::Result<Serde> {
        let mut serde = Serde::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match (key.as_str(), level) {
                    ("rename", Level::Field | Level::Variant) => {
                        serde.rename = Some(meta.value()?.parse::<LitStr>()?.value());
                    }
                    ("rename_all", Level::Container) => {
                        let value = meta.value()?.parse::<LitStr>()?;
                        serde.rename_all = Case::parse(&value.value())
                            .ok_or_else(|| meta.error("FromJson: unsupported rename_all case"))?;
                    }
                    ("default", Level::Field | Level::Container) if meta.input.is_empty()
                        || meta.input.peek(syn::Token![,]) =>
                    {
                        serde.default = true;
                    }
                    // Serialising and request-side checks: they do not change how a response is read.
                    ("skip_serializing_if" | "serialize_with" | "deny_unknown_fields" | "bound", _) => {
                        if meta.input.peek(syn::Token![=]) {
                            meta.value()?.parse::<syn::Expr>()?;
                        }
                    }
                    _ => {
                        return Err(meta.error(format!(
                            "FromJson does not implement #[serde({key})]: implement FromJson by hand or extend \
                             shared-derive"
                        )));
                    }
                }
                Ok(())
            })?;
        }
        Ok(serde)
    }
}

/// serde's `rename_all` cases that Payday uses.
#[derive(Default, Clone, Copy)]
enum Case {
    #[default]
    Unchanged,
    Lower,
    Snake,
    Kebab,
}

impl Case {
    fn parse(name: &str) -> Option<Case> {
        match name {
            "lowercase" => Some(Case::Lower),
            "snake_case" => Some(Case::Snake),
            "kebab-case" => Some(Case::Kebab),
            _ => None,
        }
    }

    /// Like serde: cases apply to Rust's `PascalCase` variant names; snake/kebab on a field name that is already
    /// `snake_case` leave it (kebab swaps the underscores).
    fn apply(self, name: &str) -> String {
        let separated = |sep: char| {
            let mut out = String::new();
            for (i, c) in name.chars().enumerate() {
                if c == '_' {
                    out.push(sep);
                } else if c.is_uppercase() {
                    if i > 0 && !out.ends_with(sep) {
                        out.push(sep);
                    }
                    out.extend(c.to_lowercase());
                } else {
                    out.push(c);
                }
            }
            out
        };
        match self {
            Case::Unchanged => name.to_owned(),
            Case::Lower => name.to_lowercase(),
            Case::Snake => separated('_'),
            Case::Kebab => separated('-'),
        }
    }
}
