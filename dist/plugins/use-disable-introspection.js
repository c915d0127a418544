import { GraphQLError, NoSchemaIntrospectionCustomRule, } from 'graphql';
/**
 * graphql's own rule, with its errors given a code: the context it sees is the real one but for
 * `reportError`, which adds `INTROSPECTION_DISABLED` and HTTP 400 (whatever the Accept header).
 */
const noIntrospection = (context) => {
    const coding = Object.create(context);
    coding.reportError = (error) => context.reportError(new GraphQLError(error.message, {
        nodes: error.nodes,
        extensions: { code: 'INTROSPECTION_DISABLED', http: { status: 400, spec: false } },
    }));
    return NoSchemaIntrospectionCustomRule(coding);
};
/**
 * Refuses operations that select `__schema` or `__type` (however aliased) with
 * INTROSPECTION_DISABLED; `__typename` stays allowed. For production, where clients ship their
 * operations and need not discover the schema.
 */
export function useDisableIntrospection() {
    return {
        onValidate({ addValidationRule }) {
            addValidationRule(noIntrospection);
        },
    };
}
