//! The DSL's keywords, as `syn` custom keywords.

syn::custom_keyword!(faults);
syn::custom_keyword!(requires);
syn::custom_keyword!(messages);
syn::custom_keyword!(none);
syn::custom_keyword!(crash);
syn::custom_keyword!(byzantine);
syn::custom_keyword!(on);
syn::custom_keyword!(broadcast);
syn::custom_keyword!(when);
syn::custom_keyword!(received);
syn::custom_keyword!(from);
syn::custom_keyword!(broadcaster);
syn::custom_keyword!(excluding);
syn::custom_keyword!(and);
syn::custom_keyword!(not);
syn::custom_keyword!(sent);
syn::custom_keyword!(send);
syn::custom_keyword!(to);
syn::custom_keyword!(all);
syn::custom_keyword!(others);
syn::custom_keyword!(deliver);
syn::custom_keyword!(N);
syn::custom_keyword!(F);
