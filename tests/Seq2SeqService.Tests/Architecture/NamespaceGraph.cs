using System.Reflection;
using System.Reflection.Emit;

namespace Seq2SeqService.Tests.Architecture;

/// <summary>
/// Which namespace uses which, read from compiled assemblies: every type's signatures (base type, interfaces,
/// fields, properties, events, method parameters and returns, attributes), its methods' local variables and
/// every type, method or field their IL refers to. Compiler-generated types (lambdas, async state machines)
/// count for the namespace of the type that declares them.
/// </summary>
public sealed class NamespaceGraph
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                            BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly Func<string, bool> _inScope;

    /// <summary>Namespace → namespaces it uses → one example "Type → Type" for each.</summary>
    public Dictionary<string, Dictionary<string, string>> Edges { get; } = new(StringComparer.Ordinal);

    public NamespaceGraph(IEnumerable<Assembly> assemblies, Func<string, bool> inScope)
    {
        _inScope = inScope;
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.Namespace is { } from && inScope(from))
            {
                foreach (var used in UsedTypes(type))
                {
                    Add(type, used);
                }
            }
        }
    }

    /// <summary>Every cycle, as the namespaces of one strongly connected component (Tarjan).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var node in Edges.Keys.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in Edges.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    cycles.Add(component);
                }
            }
        }
    }

    private void Add(Type from, Type? used)
    {
        if (used is null)
        {
            return;
        }

        if (used.HasElementType)
        {
            Add(from, used.GetElementType());
            return;
        }

        if (used.IsGenericType && !used.IsGenericTypeDefinition)
        {
            Add(from, used.GetGenericTypeDefinition());
            foreach (var argument in used.GetGenericArguments())
            {
                Add(from, argument);
            }

            return;
        }

        if (used.IsGenericParameter || used.Namespace is not { } to || !_inScope(to) || to == from.Namespace)
        {
            return;
        }

        var targets = Edges.TryGetValue(from.Namespace!, out var existing) ? existing : Edges[from.Namespace!] = new(StringComparer.Ordinal);
        targets.TryAdd(to, $"{from.FullName} → {used.FullName}");
    }

    private static IEnumerable<Type?> UsedTypes(Type type)
    {
        yield return type.BaseType;
        foreach (var face in type.GetInterfaces())
        {
            yield return face;
        }

        foreach (var attribute in type.CustomAttributes)
        {
            yield return attribute.AttributeType;
        }

        foreach (var field in type.GetFields(Everything))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(Everything))
        {
            yield return property.PropertyType;
        }

        foreach (var @event in type.GetEvents(Everything))
        {
            yield return @event.EventHandlerType;
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info)
            {
                yield return info.ReturnType;
            }

            foreach (var parameter in method.GetParameters())
            {
                yield return parameter.ParameterType;
            }

            foreach (var used in BodyTypes(method))
            {
                yield return used;
            }
        }
    }

    private static IEnumerable<Type?> BodyTypes(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var il = body.GetILAsByteArray() ?? [];
        var position = 0;
        while (position < il.Length)
        {
            var value = il[position] == 0xFE ? (short)(0xFE00 | il[position + 1]) : il[position];
            position += il[position] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            if (opCode.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField
                or OperandType.InlineTok)
            {
                foreach (var used in Resolve(method, BitConverter.ToInt32(il, position)))
                {
                    yield return used;
                }
            }

            position += OperandSize(opCode.OperandType, il, position);
        }
    }

    /// <summary>The type a token names, or a member's declaring type with a generic method's type arguments.</summary>
    private static IEnumerable<Type?> Resolve(MethodBase method, int token)
    {
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        MemberInfo? member;
        try
        {
            member = method.Module.ResolveMember(token, typeArguments, methodArguments);
        }
        catch (ArgumentException)
        {
            // Tokens into generic contexts the resolver cannot rebuild; the signatures still count.
            return [];
        }

        return member switch
        {
            Type type => [type],
            MethodInfo { IsGenericMethod: true } generic => [generic.DeclaringType, .. generic.GetGenericArguments()],
            not null => [member.DeclaringType],
            _ => [],
        };
    }

    private static int OperandSize(OperandType operand, byte[] il, int position) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, position),
        _ => 4,
    };
}
