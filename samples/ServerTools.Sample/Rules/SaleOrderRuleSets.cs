namespace ServerTools.Sample.Rules;

/// <summary>The actions of a sale order that check business rules: each rule names the sets it belongs to.</summary>
public static class SaleOrderRuleSets
{
    /// <summary>Confirming a draft order (<see cref="Model.SaleOrder.Confirm"/>).</summary>
    public const string Confirm = "confirm";
}
